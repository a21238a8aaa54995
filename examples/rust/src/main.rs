// A terrarium app in Rust, through terra_http (terrarium adds
// terra_http.rs beside this file): GET /?name=you says hello.
mod terra_http;

fn main() {
    let req = terra_http::Request::get();
    let mut resp = terra_http::Response::get();
    let name = req
        .query()
        .split('&')
        .find_map(|kv| kv.strip_prefix("name="))
        .unwrap_or("world")
        .to_string();
    let body = req.body();
    let _ = resp.set_status(200);
    let _ = resp.header("Content-Type", "text/plain; charset=utf-8");
    let msg = format!("hello from Rust, {}: {} {}, {} bytes of body\n", name, req.method(), req.uri(), body.len());
    let _ = resp.write(msg.as_bytes());
}
