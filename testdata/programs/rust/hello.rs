// hello prints a greeting and its arguments.
fn main() {
    println!("hello from Rust");
    for (i, a) in std::env::args().skip(1).enumerate() {
        println!("arg {}: {}", i + 1, a);
    }
}
