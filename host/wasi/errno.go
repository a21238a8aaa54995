package wasi

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/terra-runtime/terra/host"
)

var errnoNames = [...]string{
	"success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again", "already",
	"badf", "badmsg", "busy", "canceled", "child", "connaborted", "connrefused", "connreset",
	"deadlk", "destaddrreq", "dom", "dquot", "exist", "fault", "fbig", "hostunreach", "idrm",
	"ilseq", "inprogress", "intr", "inval", "io", "isconn", "isdir", "loop", "mfile", "mlink",
	"msgsize", "multihop", "nametoolong", "netdown", "netreset", "netunreach", "nfile", "nobufs",
	"nodev", "noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt", "nospc",
	"nosys", "notconn", "notdir", "notempty", "notrecoverable", "notsock", "notsup", "notty",
	"nxio", "overflow", "ownerdead", "perm", "pipe", "proto", "protonosupport", "prototype",
	"range", "rofs", "spipe", "srch", "stale", "timedout", "txtbsy", "xdev", "notcapable",
}

// String returns the errno's name in the WASI specification, as "noent".
func (e Errno) String() string {
	if int(e) < len(errnoNames) {
		return errnoNames[e]
	}
	return "errno(" + itoa(uint64(e)) + ")"
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		if v /= 10; v == 0 {
			return string(b[i:])
		}
	}
}

// hostErrnos maps the host's error numbers to WASI's.
var hostErrnos = map[syscall.Errno]Errno{
	syscall.E2BIG: Errno2big, syscall.EACCES: ErrnoAcces, syscall.EADDRINUSE: ErrnoAddrinuse,
	syscall.EADDRNOTAVAIL: ErrnoAddrnotavail, syscall.EAFNOSUPPORT: ErrnoAfnosupport,
	syscall.EAGAIN: ErrnoAgain, syscall.EALREADY: ErrnoAlready, syscall.EBADF: ErrnoBadf,
	syscall.EBADMSG: ErrnoBadmsg, syscall.EBUSY: ErrnoBusy, syscall.ECANCELED: ErrnoCanceled,
	syscall.ECHILD: ErrnoChild, syscall.ECONNABORTED: ErrnoConnaborted,
	syscall.ECONNREFUSED: ErrnoConnrefused, syscall.ECONNRESET: ErrnoConnreset,
	syscall.EDEADLK: ErrnoDeadlk, syscall.EDESTADDRREQ: ErrnoDestaddrreq, syscall.EDOM: ErrnoDom,
	syscall.EDQUOT: ErrnoDquot, syscall.EEXIST: ErrnoExist, syscall.EFAULT: ErrnoFault,
	syscall.EFBIG: ErrnoFbig, syscall.EHOSTUNREACH: ErrnoHostunreach, syscall.EIDRM: ErrnoIdrm,
	syscall.EILSEQ: ErrnoIlseq, syscall.EINPROGRESS: ErrnoInprogress, syscall.EINTR: ErrnoIntr,
	syscall.EINVAL: ErrnoInval, syscall.EIO: ErrnoIo, syscall.EISCONN: ErrnoIsconn,
	syscall.EISDIR: ErrnoIsdir, syscall.ELOOP: ErrnoLoop, syscall.EMFILE: ErrnoMfile,
	syscall.EMLINK: ErrnoMlink, syscall.EMSGSIZE: ErrnoMsgsize, syscall.EMULTIHOP: ErrnoMultihop,
	syscall.ENAMETOOLONG: ErrnoNametoolong, syscall.ENETDOWN: ErrnoNetdown,
	syscall.ENETRESET: ErrnoNetreset, syscall.ENETUNREACH: ErrnoNetunreach,
	syscall.ENFILE: ErrnoNfile, syscall.ENOBUFS: ErrnoNobufs, syscall.ENODEV: ErrnoNodev,
	syscall.ENOENT: ErrnoNoent, syscall.ENOEXEC: ErrnoNoexec, syscall.ENOLCK: ErrnoNolck,
	syscall.ENOLINK: ErrnoNolink, syscall.ENOMEM: ErrnoNomem, syscall.ENOMSG: ErrnoNomsg,
	syscall.ENOPROTOOPT: ErrnoNoprotoopt, syscall.ENOSPC: ErrnoNospc, syscall.ENOSYS: ErrnoNosys,
	syscall.ENOTCONN: ErrnoNotconn, syscall.ENOTDIR: ErrnoNotdir, syscall.ENOTEMPTY: ErrnoNotempty,
	syscall.ENOTRECOVERABLE: ErrnoNotrecoverable, syscall.ENOTSOCK: ErrnoNotsock,
	syscall.ENOTSUP: ErrnoNotsup, syscall.ENOTTY: ErrnoNotty, syscall.ENXIO: ErrnoNxio,
	syscall.EOVERFLOW: ErrnoOverflow, syscall.EOWNERDEAD: ErrnoOwnerdead, syscall.EPERM: ErrnoPerm,
	syscall.EPIPE: ErrnoPipe, syscall.EPROTO: ErrnoProto,
	syscall.EPROTONOSUPPORT: ErrnoProtonosupport, syscall.EPROTOTYPE: ErrnoPrototype,
	syscall.ERANGE: ErrnoRange, syscall.EROFS: ErrnoRofs, syscall.ESPIPE: ErrnoSpipe,
	syscall.ESRCH: ErrnoSrch, syscall.ESTALE: ErrnoStale, syscall.ETIMEDOUT: ErrnoTimedout,
	syscall.ETXTBSY: ErrnoTxtbsy, syscall.EXDEV: ErrnoXdev,
}

// errnoOf maps an error of the host's file system, network or of guest
// memory to an errno; unknown errors are EIO.
func errnoOf(err error) Errno {
	if err == nil {
		return ErrnoSuccess
	}
	var e Errno
	if errors.As(err, &e) {
		return e
	}
	var fault *host.FaultError
	if errors.As(err, &fault) {
		return ErrnoFault
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		if e, ok := hostErrnos[se]; ok {
			return e
		}
		return ErrnoIo
	}
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return ErrnoAgain
	case errors.Is(err, fs.ErrClosed):
		return ErrnoBadf
	case errors.Is(err, fs.ErrNotExist):
		return ErrnoNoent
	case errors.Is(err, fs.ErrExist):
		return ErrnoExist
	case errors.Is(err, fs.ErrPermission):
		return ErrnoPerm
	}
	return ErrnoIo
}

// Error makes an Errno an error, so that internal functions can return
// it; the WASI functions return it to the guest as their result.
func (e Errno) Error() string { return "wasi: " + e.String() }
