// A plain CGI program in Rust: the request in the environment and on
// standard input, the response on standard output. No crates.
use std::env;
use std::io::{self, Read, Write};

fn main() {
    let method = env::var("REQUEST_METHOD").unwrap_or_default();
    let path = env::var("PATH_INFO").unwrap_or_default();
    let query = env::var("QUERY_STRING").unwrap_or_default();
    let mut body = Vec::new();
    let _ = io::stdin().read_to_end(&mut body);
    let out = io::stdout();
    let mut out = out.lock();
    let _ = write!(out, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
    let _ = writeln!(out, "hello from Rust over CGI: {} {}?{}, {} bytes of body", method, if path.is_empty() { "/" } else { &path }, query, body.len());
}
