// Offsets of Context fields used by the assembly; TestContextLayout checks
// them against abi.go.
#define ctx_goSP 0
#define ctx_resume 8
#define ctx_trap 16
#define ctx_poll 20
#define ctx_faultPC 24
#define ctx_faultAddr 32
#define ctx_fp 40
#define ctx_exitSP 48
#define ctx_exitPC 56

// Trap values and poll bits of abi.go.
#define TrapExit 65536
#define PollPreempt 1

// Offsets in the range table the signal handler searches: a spanTable is a
// slice of spans sorted by lo.
#define table_data 0
#define table_len 8
#define span_hi 8
#define span_kind 16
#define span_size 24

// Offsets in the kernel's siginfo_t, the same on amd64 and arm64.
#define si_code 8
#define si_addr 16

#define SIGBUS 7
#define SIGURG 23
