//! Parquet write throughput: the flat result table and a full history run (results, answers,
//! manifest, fsync, rename). `cargo bench -p scrm-history`.

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use scrm_history::fixtures::{manifest, synthetic_results, synthetic_vendors};
use scrm_history::{record_run, write_results_parquet};
use std::hint::black_box;

fn bench_parquet(c: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
    let mut group = c.benchmark_group("write_results_parquet");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let rows = synthetic_results(n, 42);
        let m = manifest("2026-11-02T02:00:00Z", as_of, n as u64);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &rows, |b, rows| {
            b.iter(|| {
                let mut out = Vec::with_capacity(n * 200);
                write_results_parquet(black_box(rows), &m, &mut out).unwrap_or_default();
                out
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("record_run");
    group.sample_size(10);
    let n = 10_000usize;
    let rows = synthetic_results(n, 42);
    let vendors = synthetic_vendors(n, 50, 42);
    let dir = std::env::temp_dir().join(format!("scrm-history-bench-{}", std::process::id()));
    let mut k = 0u64;
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::from_parameter(n), |b| {
        b.iter(|| {
            // A new generated_at and policy name each time, so every iteration writes a run.
            k += 1;
            let mut m = manifest("2026-11-02T02:00:00Z", as_of, n as u64);
            m.policy_name = format!("bench-{k}");
            record_run(&dir, &m, &rows, &vendors).map(|r| r.created)
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_parquet);
criterion_main!(benches);
