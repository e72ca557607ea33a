//! panic: an unrecovered panic (wasm32-wasip1 aborts after printing the
//! message, which surfaces as a trap).

fn main() {
    println!("before panic");
    explode();
}

#[inline(never)]
fn explode() {
    panic!("boom");
}
