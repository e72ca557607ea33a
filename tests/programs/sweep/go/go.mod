module p1sweep

go 1.21
