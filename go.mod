module github.com/aksnet/aksnet

go 1.26
