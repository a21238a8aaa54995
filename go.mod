module github.com/terra-runtime/terra

go 1.26.0

require (
	github.com/google/pprof v0.0.0-20261016150608-1facf8f91b50
	github.com/stretchr/testify v1.12.1
	github.com/twitchyliquid64/golang-asm v0.15.1
	go.etcd.io/bbolt v1.4.3
	golang.org/x/sys v0.44.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
