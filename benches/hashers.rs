//! Which hasher for the item index? A lookup-and-write of a 16-byte `ItemId` key in a
//! `hashbrown::HashMap` with std's SipHash-1-3 (`RandomState`, the baseline), foldhash (the
//! crate's choice) and aHash, at 10^3 and 10^6 keys. All three are seeded per process, which
//! matters because `mobsync check` builds its index from untrusted traces.

use std::hash::BuildHasher;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mobsync::ItemId;

fn ids(n: usize) -> Vec<ItemId> {
    (1..=n as u128)
        .map(|i| ItemId::from_u128(i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)))
        .collect()
}

fn lookup_and_write<S: BuildHasher + Default>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    items: &[ItemId],
) {
    let mut map: hashbrown::HashMap<ItemId, (u32, bool), S> =
        hashbrown::HashMap::with_capacity_and_hasher(items.len(), S::default());
    for &id in items {
        map.insert(id, (2, false));
    }
    let n = items.len();
    let mut k = 0;
    c.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
        b.iter(|| {
            k = (k + 7919) % n;
            if let Some(entry) = map.get_mut(black_box(&items[k])) {
                entry.1 = true;
            }
        })
    });
}

fn hashers(c: &mut Criterion) {
    let mut group = c.benchmark_group("hashers");
    for n in [1_000, 1_000_000] {
        let items = ids(n);
        lookup_and_write::<std::hash::RandomState>(&mut group, "siphash (baseline)", &items);
        lookup_and_write::<foldhash::fast::RandomState>(&mut group, "foldhash", &items);
        lookup_and_write::<ahash::RandomState>(&mut group, "ahash", &items);
    }
    group.finish();
}

criterion_group!(benches, hashers);
criterion_main!(benches);
