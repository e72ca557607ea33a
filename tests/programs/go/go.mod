module p1tests

go 1.21
