// fileio writes a file in the directory named by its argument, reads it
// back, lists the directory and removes the file.
use std::fs;
use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: fileio DIR");
        std::process::exit(2);
    }
    let path = Path::new(&args[1]).join("rust-fileio.txt");
    {
        let mut f = fs::File::create(&path).expect("create");
        for i in 0..3 {
            writeln!(f, "line {}", i).expect("write");
        }
    }
    let data = fs::read_to_string(&path).expect("read");
    print!("{}", data);
    let mut found = false;
    for e in fs::read_dir(&args[1]).expect("read_dir") {
        if e.expect("entry").file_name() == "rust-fileio.txt" {
            found = true;
        }
    }
    println!("listed={}", found);
    fs::remove_file(&path).expect("remove");
    println!("exists={}", path.exists());
    std::process::exit(if found { 0 } else { 1 });
}
