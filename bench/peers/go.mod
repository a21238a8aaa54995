module github.com/terra-runtime/terra/bench/peers

go 1.26.0

replace github.com/terra-runtime/terra => ../..

require (
	github.com/terra-runtime/terra v0.0.0-00010101000000-000000000000
	github.com/tetratelabs/wazero v1.12.0
)

require (
	github.com/twitchyliquid64/golang-asm v0.15.1 // indirect
	golang.org/x/sys v0.44.0 // indirect
)
