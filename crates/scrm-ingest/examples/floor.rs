//! The floor under `scrm score` on this machine: the issue's own reference ("a minimal
//! hand-written two-thread parser", a simpler computation) and its parts, timed on the same
//! long answers file that `make bench` scores, so that scrm's wall time can be read against
//! what reading, cutting and hashing those bytes cost at the least.
//!
//! ```sh
//! cargo run --release -p scrm-ingest --example floor -- /tmp/scrm-bench-100000-genai-overlay/answers.csv 5
//! ```
//!
//! Each stage runs `RUNS` times (default 5) and prints its median, fastest and slowest wall time
//! and MB/s. The file should be in the page cache (run `scrm score` on it once first), as it is
//! for `make bench`. The stages:
//! - `read`: the file read in 2 MiB blocks by two threads, one half each, nothing done with it;
//! - `sha256`: its SHA-256 on one thread, as scrm's manifest records it (one SHA-256 cannot be
//!   split across threads); `blake3` and `xxh3-128`, the same for two other digests (BLAKE3 is
//!   cryptographic and uses SIMD across its chunks; XXH3 is a checksum, not a cryptographic hash);
//! - `parse-1`, `parse-2`: the minimal parser on one thread, and on two (the issue's reference);
//! - `parse-2+sha256`, `parse-2+blake3`: the two parsers and a digest of the file at once, the
//!   least a run that records the input's digest can take on two cores.
//!
//! The minimal parser does what a hand-written reader of a trusted export would: it cuts each
//! line at its commas (a line with an odd number of quotes runs on to the next, as a quoted line
//! break does), finds the question's position by hash, maps the answer (`yes`, `partial`, `no`,
//! `na`, or a level 0 to 5) to a number and adds it, weighted, to the vendor's total, and reads
//! the evidence date's digits. It checks no encoding, reports no problem, keeps no text,
//! resolves no catalog and scores no lens; those are scrm's work on top of it. (A vendor cut by
//! the halves' boundary is counted once in each half.)

// An example program: it prints its measurements.
#![allow(clippy::print_stdout)]

use rustc_hash::FxHashMap;
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

const BLOCK: usize = 2 << 20;

/// What a parser found, printed so that no stage is optimised away and the halves can be
/// checked against the whole.
#[derive(Default, Debug, Clone, Copy, PartialEq)]
struct Tally {
    rows: u64,
    vendors: u64,
    questions: u64,
    score: f64,
    dated: u64,
}

impl Tally {
    fn add(self, o: Tally) -> Tally {
        Tally {
            rows: self.rows + o.rows,
            vendors: self.vendors + o.vendors,
            questions: self.questions.max(o.questions),
            score: self.score + o.score,
            dated: self.dated + o.dated,
        }
    }
}

/// The minimal parser's state across the blocks of one range.
#[derive(Default)]
struct Parser {
    tally: Tally,
    questions: FxHashMap<Box<[u8]>, u32>,
    weight: Vec<f64>,
    last_vendor: Vec<u8>,
    vendor_total: f64,
    totals: Vec<f64>,
    header_seen: bool,
}

impl Parser {
    fn record(&mut self, rec: &[u8]) {
        if !self.header_seen {
            self.header_seen = true;
            return;
        }
        let mut f = [&rec[..0]; 6];
        let mut n = 0;
        let mut start = 0;
        for at in memchr::memchr_iter(b',', rec) {
            if n < 5 {
                f[n] = &rec[start..at];
                n += 1;
                start = at + 1;
            }
        }
        f[n] = &rec[start..];
        let [vendor, question, answer, _evidence, date, _comment] = f;
        if vendor != self.last_vendor.as_slice() {
            if !self.last_vendor.is_empty() {
                self.totals.push(self.vendor_total);
            }
            self.last_vendor.clear();
            self.last_vendor.extend_from_slice(vendor);
            self.vendor_total = 0.0;
            self.tally.vendors += 1;
        }
        let q = match self.questions.get(question) {
            Some(&q) => q as usize,
            None => {
                let next = self.questions.len() as u32;
                self.questions.insert(question.into(), next);
                next as usize
            }
        };
        if q == self.weight.len() {
            // A weight of the question's own (not of its position, which differs by half).
            let last = question.last().copied().unwrap_or(0);
            self.weight.push(1.0 + f64::from(last % 3));
        }
        let value = match answer {
            b"yes" => 1.0,
            b"partial" => 0.5,
            b"no" | b"na" => 0.0,
            [d @ b'0'..=b'5'] => f64::from(d - b'0') / 5.0,
            _ => return,
        };
        self.vendor_total += value * self.weight[q];
        self.tally.rows += 1;
        if date.len() == 10 && date[4] == b'-' && date[7] == b'-' {
            let digits = |b: &[u8]| b.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            let (y, m, d) = (digits(&date[..4]), digits(&date[5..7]), digits(&date[8..]));
            if (1..=12).contains(&m) && (1..=31).contains(&d) && y > 1900 {
                self.tally.dated += 1;
            }
        }
    }

    fn finish(mut self) -> Tally {
        if !self.last_vendor.is_empty() {
            self.totals.push(self.vendor_total);
        }
        self.tally.score = self.totals.iter().sum();
        self.tally.questions = self.questions.len() as u64;
        self.tally
    }
}

/// Reads `[start, end)` of the file in blocks and hands each whole record to `f`: a line, run on
/// to the next while its quotes are unbalanced.
fn for_each_record(file: &File, start: u64, end: u64, mut f: impl FnMut(&[u8])) {
    let mut buf = vec![0u8; BLOCK];
    let mut carry = 0usize;
    let mut pos = start;
    while pos < end {
        let want = (BLOCK - carry).min((end - pos) as usize);
        let got = file
            .read_at(&mut buf[carry..carry + want], pos)
            .expect("read");
        if got == 0 {
            break;
        }
        pos += got as u64;
        let filled = carry + got;
        let mut line_start = 0;
        let mut quotes = 0usize;
        // Where the line being counted starts (`line_start` stays put while a quoted line
        // break runs a record on).
        let mut scan = 0;
        for nl in memchr::memchr_iter(b'\n', &buf[..filled]) {
            quotes += memchr::memchr_iter(b'"', &buf[scan..nl]).count();
            scan = nl + 1;
            if quotes % 2 == 1 {
                continue;
            }
            f(&buf[line_start..nl]);
            line_start = nl + 1;
            quotes = 0;
        }
        carry = filled - line_start;
        buf.copy_within(line_start..filled, 0);
        assert!(carry < BLOCK, "a record longer than a block");
    }
    if carry > 0 {
        f(&buf[..carry]);
    }
}

/// The first byte after the first line feed at or after `at`.
fn line_start_after(file: &File, at: u64) -> u64 {
    let mut buf = vec![0u8; 1 << 16];
    let mut pos = at;
    loop {
        let got = file.read_at(&mut buf, pos).expect("read");
        if got == 0 {
            return pos;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..got]) {
            return pos + i as u64 + 1;
        }
        pos += got as u64;
    }
}

fn parse(file: &File, start: u64, end: u64, header: bool) -> Tally {
    let mut p = Parser {
        header_seen: !header,
        ..Parser::default()
    };
    for_each_record(file, start, end, |rec| p.record(rec));
    p.finish()
}

/// A digest the manifest could record for an input file.
#[derive(Clone, Copy)]
enum Algo {
    Sha256,
    Blake3,
    Xxh3,
}

impl Algo {
    fn name(self) -> &'static str {
        match self {
            Algo::Sha256 => "sha256",
            Algo::Blake3 => "blake3",
            Algo::Xxh3 => "xxh3-128",
        }
    }
}

/// The file's digest, on one thread, read in blocks as scrm reads it.
fn digest(file: &File, len: u64, d: Algo) -> String {
    let mut sha = Sha256::new();
    let mut b3 = blake3::Hasher::new();
    let mut xx = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; BLOCK];
    let mut pos = 0;
    while pos < len {
        let got = file.read_at(&mut buf, pos).expect("read");
        if got == 0 {
            break;
        }
        let bytes = &buf[..got];
        match d {
            Algo::Sha256 => sha.update(bytes),
            Algo::Blake3 => {
                b3.update(bytes);
            }
            Algo::Xxh3 => xx.update(bytes),
        }
        pos += got as u64;
    }
    match d {
        Algo::Sha256 => hex::encode(sha.finalize()),
        Algo::Blake3 => b3.finalize().to_hex().to_string(),
        Algo::Xxh3 => format!("{:032x}", xx.digest128()),
    }
}

fn read_only(file: &File, start: u64, end: u64) -> u64 {
    let mut buf = vec![0u8; BLOCK];
    let (mut pos, mut sum) = (start, 0u64);
    while pos < end {
        let want = BLOCK.min((end - pos) as usize);
        let got = file.read_at(&mut buf[..want], pos).expect("read");
        if got == 0 {
            break;
        }
        sum += u64::from(buf[got - 1]);
        pos += got as u64;
    }
    sum
}

fn parse_two(file: &File, len: u64) -> Tally {
    let mid = line_start_after(file, len / 2);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| parse(file, 0, mid, true));
        let b = s.spawn(|| parse(file, mid, len, false));
        (a.join().expect("thread"), b.join().expect("thread"))
    });
    a.add(b)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        last = Some(out);
    }
    times.sort();
    (times, last.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: floor ANSWERS.csv [RUNS]; see the file's header");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS: a number"));
    let file = File::open(&path).expect("the answers file");
    let len = file.metadata().expect("its size").len();
    let mb = len as f64 / 1e6;
    println!(
        "{path}: {mb:.1} MB, {runs} runs each; wall median (fastest-slowest), MB/s at the median"
    );
    let report = |name: &str, times: &[Duration], what: String| {
        let s = |d: Duration| d.as_secs_f64();
        let med = s(times[times.len() / 2]);
        println!(
            "{name:<15} {med:>7.3} s ({:.3}-{:.3}) {:>6.0} MB/s  {what}",
            s(times[0]),
            s(times[times.len() - 1]),
            mb / med
        );
    };
    let (t, sum) = time(runs, || {
        let mid = len / 2;
        std::thread::scope(|s| {
            let a = s.spawn(|| read_only(&file, 0, mid));
            let b = s.spawn(|| read_only(&file, mid, len));
            a.join().expect("thread") + b.join().expect("thread")
        })
    });
    report("read", &t, format!("(checksum {sum})"));
    for d in [Algo::Sha256, Algo::Blake3, Algo::Xxh3] {
        let (t, hash) = time(runs, || digest(&file, len, d));
        report(d.name(), &t, hash[..12].to_string());
    }
    let (t, one) = time(runs, || parse(&file, 0, len, true));
    report("parse-1", &t, format!("{one:?}"));
    let (t, two) = time(runs, || parse_two(&file, len));
    report("parse-2", &t, format!("{two:?}"));
    for d in [Algo::Sha256, Algo::Blake3] {
        let (t, (both, hash)) = time(runs, || {
            std::thread::scope(|s| {
                let h = s.spawn(|| digest(&file, len, d));
                let p = parse_two(&file, len);
                (p, h.join().expect("thread"))
            })
        });
        let name = format!("parse-2+{}", d.name());
        report(&name, &t, format!("{} rows, {}", both.rows, &hash[..12]));
    }
}
