//! A reader that hands out a head and then a body repeated, made as it is read: a trace of any
//! length is streamed without ever being held whole. Shared by `tests/check_memory.rs` and
//! `benches/check.rs`.

use std::io::{self, BufRead, Read};

/// `head`, then `body` `times` times, one piece at a time.
pub struct Repeated<'a> {
    head: &'a str,
    body: &'a str,
    /// Bodies not yet handed out in full.
    left: usize,
    /// Bytes of the current piece already handed out.
    at: usize,
    in_head: bool,
}

impl<'a> Repeated<'a> {
    pub fn new(head: &'a str, body: &'a str, times: usize) -> Self {
        Self {
            head,
            body,
            left: times,
            at: 0,
            in_head: true,
        }
    }
}

impl BufRead for Repeated<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.in_head && self.at == self.head.len() {
            (self.in_head, self.at) = (false, 0);
        }
        let piece = match (self.in_head, self.left) {
            (true, _) => self.head,
            (false, 0) => "",
            (false, _) => self.body,
        };
        Ok(&piece.as_bytes()[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
        if !self.in_head && self.left > 0 && self.at == self.body.len() {
            (self.left, self.at) = (self.left - 1, 0);
        }
    }
}

impl Read for Repeated<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}
