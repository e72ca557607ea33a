module p1gc

go 1.24
