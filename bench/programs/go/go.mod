module p1bench

go 1.21
