//! exit3: output on both streams, then a non-zero exit status.

fn main() {
    println!("about to exit with status 3");
    eprintln!("goodbye from stderr");
    std::process::exit(3);
}
