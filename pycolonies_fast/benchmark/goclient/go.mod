module pycolonies_fast/benchmark/goclient

go 1.24.0

require github.com/colonyos/colonies v1.9.12
