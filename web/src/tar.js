// A tar (ustar) writer for the few source files of an app: the deploy API
// takes a tar, and a browser has none to hand.

const encoder = new TextEncoder();

// octal writes n in octal, zero-padded to width digits, at off.
function octal(header, off, width, n) {
  header.set(encoder.encode(n.toString(8).padStart(width, '0')), off);
}

// tar returns an archive of files, each {path, data} with data a string
// (written as UTF-8) or a Uint8Array.
export function tar(files) {
  const parts = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const {path, data} of files) {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const name = encoder.encode(path);
    if (name.length === 0 || name.length > 100) {
      throw new Error(`the file name "${path}" does not fit in a tar header`);
    }
    const header = new Uint8Array(512);
    header.set(name, 0);
    octal(header, 100, 7, 0o644); // mode
    octal(header, 108, 7, 0); // uid
    octal(header, 116, 7, 0); // gid
    octal(header, 124, 11, bytes.length);
    octal(header, 136, 11, mtime);
    header[156] = 0x30; // '0': a regular file
    header.set(encoder.encode('ustar\x0000'), 257);
    // The checksum is the sum of the header's bytes with its own field
    // read as spaces, in six octal digits, a NUL and a space.
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    octal(header, 148, 6, sum);
    header[154] = 0;
    parts.push(header, bytes, new Uint8Array((512 - (bytes.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
