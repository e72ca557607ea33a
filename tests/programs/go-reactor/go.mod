module p1reactor

go 1.24
