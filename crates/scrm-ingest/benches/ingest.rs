//! Reading throughput (bytes of CSV per second) of a generated 10,000-vendor portfolio: the
//! streaming path `score` takes (`ingest_map`, each vendor handed on once read) and the
//! ordinary one (`ingest`, every vendor kept). Scoring is not measured here (see
//! `cargo bench -p scrm-score`); `cargo bench -p scrm-ingest`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scrm_catalog::Catalog;
use scrm_gen::{GenOptions, generate};
use scrm_ingest::{IngestOptions, ingest, ingest_map};
use scrm_model::ScoreInput;
use std::path::PathBuf;

fn bench_ingest(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let opts = GenOptions {
        vendors: 10_000,
        seed: 42,
        ..GenOptions::default()
    };
    let summary = generate(catalog.questions(), &opts, dir.path()).expect("the portfolio");
    let answers: Vec<PathBuf> = vec![dir.path().join("answers.csv")];
    let vendors = dir.path().join("vendors.csv");
    let exclusions = dir.path().join("exclusions.csv");
    let io = IngestOptions::default();

    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(summary.total_bytes()));
    group.bench_function("map/10k_vendors", |b| {
        b.iter(|| {
            let count = |v: scrm_ingest::ReadVendor<'_>, _: &[&scrm_model::Exclusion]| {
                let mut n = 0u32;
                v.for_each_answer(|_, _| n += 1);
                n
            };
            let (ingested, counts) = ingest_map(
                &answers,
                Some(&vendors),
                Some(&exclusions),
                catalog,
                &io,
                count,
                false,
            )
            .expect("readable inputs");
            (
                ingested.problems.len(),
                counts.iter().map(|&n| u64::from(n)).sum::<u64>(),
            )
        })
    });
    group.bench_function("keep/10k_vendors", |b| {
        b.iter(|| {
            let ingested = ingest(&answers, Some(&vendors), Some(&exclusions), catalog, &io)
                .expect("readable inputs");
            (ingested.problems.len(), ingested.vendors.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench_ingest);
criterion_main!(benches);
