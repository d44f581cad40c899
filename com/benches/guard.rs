//! Placeholder until the guard bench lands.
fn main() {}
