//go:build !unix

package archive

// syscallNoFollow is zero where O_NOFOLLOW does not exist; the extractor
// creates no file through a link of the archive either way.
const syscallNoFollow = 0
