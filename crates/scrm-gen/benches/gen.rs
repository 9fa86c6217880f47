//! Generation throughput (bytes of CSV per second) on a catalog-sized question list.
//! `cargo bench -p scrm-gen`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scrm_gen::fixtures::catalog_sized_questions;
use scrm_gen::{GenOptions, generate_to};
use std::io::{self, Write};

/// Counts bytes and drops them: measures generation, not the disk.
#[derive(Default)]
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn bench_generate(c: &mut Criterion) {
    let questions = catalog_sized_questions();
    let opts = GenOptions {
        vendors: 10_000,
        ..GenOptions::default()
    };
    let bytes = generate_to(
        &questions,
        &opts,
        Count::default(),
        Count::default(),
        Count::default(),
    )
    .map(|s| s.total_bytes())
    .unwrap_or(0);
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("10k_vendors_160_questions", |b| {
        b.iter(|| {
            generate_to(
                &questions,
                &opts,
                Count::default(),
                Count::default(),
                Count::default(),
            )
            .map(|s| s.answer_rows)
            .unwrap_or(0)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
