package wasi

import "encoding/binary"

// Errno is a WASI error code, the result of most WASI functions.
type Errno uint16

// Error codes of wasi_snapshot_preview1 (and wasi_unstable, which numbers
// them alike).
const (
	ErrnoSuccess Errno = iota
	Errno2big
	ErrnoAcces
	ErrnoAddrinuse
	ErrnoAddrnotavail
	ErrnoAfnosupport
	ErrnoAgain
	ErrnoAlready
	ErrnoBadf
	ErrnoBadmsg
	ErrnoBusy
	ErrnoCanceled
	ErrnoChild
	ErrnoConnaborted
	ErrnoConnrefused
	ErrnoConnreset
	ErrnoDeadlk
	ErrnoDestaddrreq
	ErrnoDom
	ErrnoDquot
	ErrnoExist
	ErrnoFault
	ErrnoFbig
	ErrnoHostunreach
	ErrnoIdrm
	ErrnoIlseq
	ErrnoInprogress
	ErrnoIntr
	ErrnoInval
	ErrnoIo
	ErrnoIsconn
	ErrnoIsdir
	ErrnoLoop
	ErrnoMfile
	ErrnoMlink
	ErrnoMsgsize
	ErrnoMultihop
	ErrnoNametoolong
	ErrnoNetdown
	ErrnoNetreset
	ErrnoNetunreach
	ErrnoNfile
	ErrnoNobufs
	ErrnoNodev
	ErrnoNoent
	ErrnoNoexec
	ErrnoNolck
	ErrnoNolink
	ErrnoNomem
	ErrnoNomsg
	ErrnoNoprotoopt
	ErrnoNospc
	ErrnoNosys
	ErrnoNotconn
	ErrnoNotdir
	ErrnoNotempty
	ErrnoNotrecoverable
	ErrnoNotsock
	ErrnoNotsup
	ErrnoNotty
	ErrnoNxio
	ErrnoOverflow
	ErrnoOwnerdead
	ErrnoPerm
	ErrnoPipe
	ErrnoProto
	ErrnoProtonosupport
	ErrnoPrototype
	ErrnoRange
	ErrnoRofs
	ErrnoSpipe
	ErrnoSrch
	ErrnoStale
	ErrnoTimedout
	ErrnoTxtbsy
	ErrnoXdev
	ErrnoNotcapable
)

// filetype is the type of a file descriptor or file.
type filetype = uint8

const (
	filetypeUnknown filetype = iota
	filetypeBlockDevice
	filetypeCharacterDevice
	filetypeDirectory
	filetypeRegularFile
	filetypeSocketDgram
	filetypeSocketStream
	filetypeSymbolicLink
)

// Rights of a file descriptor.
const (
	rightFdDatasync uint64 = 1 << iota
	rightFdRead
	rightFdSeek
	rightFdFdstatSetFlags
	rightFdSync
	rightFdTell
	rightFdWrite
	rightFdAdvise
	rightFdAllocate
	rightPathCreateDirectory
	rightPathCreateFile
	rightPathLinkSource
	rightPathLinkTarget
	rightPathOpen
	rightFdReaddir
	rightPathReadlink
	rightPathRenameSource
	rightPathRenameTarget
	rightPathFilestatGet
	rightPathFilestatSetSize
	rightPathFilestatSetTimes
	rightFdFilestatGet
	rightFdFilestatSetSize
	rightFdFilestatSetTimes
	rightPathSymlink
	rightPathRemoveDirectory
	rightPathUnlinkFile
	rightPollFdReadwrite
	rightSockShutdown
	rightSockAccept

	// rightsFile are the rights that apply to regular files.
	rightsFile = rightFdDatasync | rightFdRead | rightFdSeek | rightFdFdstatSetFlags | rightFdSync |
		rightFdTell | rightFdWrite | rightFdAdvise | rightFdAllocate | rightFdFilestatGet |
		rightFdFilestatSetSize | rightFdFilestatSetTimes | rightPollFdReadwrite
	// rightsDir are the rights that apply to directories.
	rightsDir = rightFdFdstatSetFlags | rightFdSync | rightFdDatasync | rightPathCreateDirectory |
		rightPathCreateFile | rightPathLinkSource | rightPathLinkTarget | rightPathOpen |
		rightFdReaddir | rightPathReadlink | rightPathRenameSource | rightPathRenameTarget |
		rightPathFilestatGet | rightPathFilestatSetSize | rightPathFilestatSetTimes |
		rightFdFilestatGet | rightFdFilestatSetTimes | rightPathSymlink |
		rightPathRemoveDirectory | rightPathUnlinkFile
	// rightsWrite are the rights that modify files or directories, which
	// read-only preopens lack.
	rightsWrite = rightFdDatasync | rightFdWrite | rightFdAllocate | rightPathCreateDirectory |
		rightPathCreateFile | rightPathLinkSource | rightPathLinkTarget | rightPathRenameSource |
		rightPathRenameTarget | rightPathFilestatSetSize | rightPathFilestatSetTimes |
		rightFdFilestatSetSize | rightFdFilestatSetTimes | rightPathSymlink |
		rightPathRemoveDirectory | rightPathUnlinkFile
	// rightsStream are the rights of standard streams. Seeking is among
	// them so that it fails as it does on the host, with ESPIPE.
	rightsStream = rightFdRead | rightFdWrite | rightFdSeek | rightFdTell | rightFdFdstatSetFlags |
		rightFdFilestatGet | rightPollFdReadwrite | rightFdSync | rightFdDatasync
	// rightsSocket are the rights of sockets.
	rightsSocket = rightFdRead | rightFdWrite | rightFdFdstatSetFlags | rightFdFilestatGet |
		rightPollFdReadwrite | rightSockShutdown
	// rightsListener are the rights of listening sockets.
	rightsListener = rightFdFdstatSetFlags | rightFdFilestatGet | rightPollFdReadwrite | rightSockAccept | rightSockShutdown
)

// File descriptor flags (fdflags).
const (
	fdflagAppend   uint16 = 1 << 0
	fdflagDsync    uint16 = 1 << 1
	fdflagNonblock uint16 = 1 << 2
	fdflagRsync    uint16 = 1 << 3
	fdflagSync     uint16 = 1 << 4
)

// Open flags (oflags).
const (
	oflagCreat     uint16 = 1 << 0
	oflagDirectory uint16 = 1 << 1
	oflagExcl      uint16 = 1 << 2
	oflagTrunc     uint16 = 1 << 3
)

// lookupSymlinkFollow is the lookupflags bit that makes a path's last
// component follow a symbolic link.
const lookupSymlinkFollow = 1

// Flags of the times to set (fstflags).
const (
	fstflagAtim    = 1 << 0
	fstflagAtimNow = 1 << 1
	fstflagMtim    = 1 << 2
	fstflagMtimNow = 1 << 3
)

// Clock ids.
const (
	clockRealtime = iota
	clockMonotonic
	clockProcessCPUTime
	clockThreadCPUTime
)

// Subscription and event types (eventtype), and flags.
const (
	eventtypeClock   = 0
	eventtypeFdRead  = 1
	eventtypeFdWrite = 2

	subclockAbstime        = 1
	eventFdReadwriteHangup = 1
)

// Advice values of fd_advise.
const adviceNoreuse = 5

// Flags of sock_recv (riflags), its results (roflags) and sock_shutdown
// (sdflags).
const (
	riflagRecvPeek    = 1 << 0
	riflagRecvWaitall = 1 << 1
	sdflagRd          = 1 << 0
	sdflagWr          = 1 << 1
)

// Signals of proc_raise.
const (
	sigChld  = 16
	sigCont  = 17
	sigStop  = 18
	sigTstp  = 19
	sigTtin  = 20
	sigTtou  = 21
	sigUrg   = 22
	sigWinch = 27
	sigLast  = 30
)

// le is the byte order of WebAssembly memory.
var le = binary.LittleEndian
