module exchange-gateway/bench/peers/go

go 1.19
