//! terra_http: serve one HTTP request from a WebAssembly guest through
//! terra's terra_http host module (see the Go package host/http for the
//! ABI). No crates: put this file beside main.rs and write `mod terra_http;`
//! (terrarium adds it to a Rust app that declares the module without the
//! file).
//!
//! ```ignore
//! mod terra_http;
//! fn main() {
//!     let req = terra_http::Request::get();
//!     let mut resp = terra_http::Response::get();
//!     resp.set_status(200);
//!     resp.header("Content-Type", "text/plain");
//!     resp.write(format!("hello from {}\n", req.uri()).as_bytes());
//! }
//! ```
#![allow(dead_code)]

mod sys {
    #[link(wasm_import_module = "terra_http")]
    extern "C" {
        pub fn request() -> i32;
        pub fn response() -> i32;
        pub fn method(req: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn uri(req: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn header_get(req: i32, name: *const u8, name_len: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn headers(req: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn body_read(req: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn set_status(resp: i32, code: i32) -> i32;
        pub fn header_add(resp: i32, name: *const u8, name_len: i32, value: *const u8, value_len: i32) -> i32;
        pub fn body_write(resp: i32, buf: *const u8, len: i32) -> i32;
        pub fn log(buf: *const u8, len: i32);
    }
}

/// An error result of terra_http: one of the ERR_ constants.
pub type Error = i32;
pub const ERR_NOT_FOUND: Error = -1;
pub const ERR_BAD_HANDLE: Error = -2;
pub const ERR_HEADERS_SENT: Error = -3;
pub const ERR_INVALID: Error = -4;

fn result(n: i32) -> Result<(), Error> {
    if n < 0 { Err(n) } else { Ok(()) }
}

/// Reads a string with `get`, growing the buffer until it fits.
fn string(get: impl Fn(*mut u8, i32) -> i32) -> Result<String, Error> {
    let mut buf = vec![0u8; 256];
    loop {
        let n = get(buf.as_mut_ptr(), buf.len() as i32);
        if n < 0 {
            return Err(n);
        }
        if (n as usize) <= buf.len() {
            buf.truncate(n as usize);
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        buf = vec![0u8; n as usize];
    }
}

/// The incoming request.
pub struct Request(i32);

impl Request {
    pub fn get() -> Request {
        Request(unsafe { sys::request() })
    }

    pub fn method(&self) -> String {
        string(|b, c| unsafe { sys::method(self.0, b, c) }).unwrap_or_default()
    }

    /// The path and query, relative to the app.
    pub fn uri(&self) -> String {
        string(|b, c| unsafe { sys::uri(self.0, b, c) }).unwrap_or_default()
    }

    /// The path, without the query.
    pub fn path(&self) -> String {
        let uri = self.uri();
        uri.split('?').next().unwrap_or("").to_string()
    }

    /// The query string, without the '?'.
    pub fn query(&self) -> String {
        let uri = self.uri();
        uri.splitn(2, '?').nth(1).unwrap_or("").to_string()
    }

    /// A header's values, joined by ", ".
    pub fn header(&self, name: &str) -> Option<String> {
        string(|b, c| unsafe { sys::header_get(self.0, name.as_ptr(), name.len() as i32, b, c) }).ok()
    }

    /// Every header, as (name, value) pairs.
    pub fn headers(&self) -> Vec<(String, String)> {
        let all = string(|b, c| unsafe { sys::headers(self.0, b, c) }).unwrap_or_default();
        all.lines()
            .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_string(), v.to_string())))
            .collect()
    }

    /// Reads into buf; 0 at the end of the body.
    pub fn read(&self, buf: &mut [u8]) -> usize {
        let n = unsafe { sys::body_read(self.0, buf.as_mut_ptr(), buf.len() as i32) };
        if n < 0 { 0 } else { n as usize }
    }

    /// The whole body.
    pub fn body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = self.read(&mut buf);
            if n == 0 {
                return body;
            }
            body.extend_from_slice(&buf[..n]);
        }
    }
}

/// The outgoing response.
pub struct Response(i32);

impl Response {
    pub fn get() -> Response {
        Response(unsafe { sys::response() })
    }

    pub fn set_status(&mut self, code: u16) -> Result<(), Error> {
        result(unsafe { sys::set_status(self.0, code as i32) })
    }

    pub fn header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        result(unsafe { sys::header_add(self.0, name.as_ptr(), name.len() as i32, value.as_ptr(), value.len() as i32) })
    }

    /// Sends part of the body; the first write sends status and headers.
    pub fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        result(unsafe { sys::body_write(self.0, data.as_ptr(), data.len() as i32) })
    }
}

/// Writes a line to the app's log.
pub fn log(msg: &str) {
    unsafe { sys::log(msg.as_ptr(), msg.len() as i32) }
}
