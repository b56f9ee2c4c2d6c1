//! Documents made on every core, the long ones one at a time.
//!
//! A long document (the contract's PDF, the cadre logique's page of 10,000 rows)
//! takes memory in proportion to its length while it is made; the short ones (a
//! fiche, its page) take little. Made all at once on every core, the long ones
//! add up; made one at a time, with the short ones on the other cores meanwhile,
//! the memory of a build stays that of its longest document.

use anyhow::Result;

/// Runs `make_big` on every item of `big`, one at a time, and `make_small` on every
/// item of `small`, on as many threads of their own as rayon's pool has: a thread
/// takes the next big item when no other thread is on one, the next small one
/// otherwise. Stops at the first error, which it returns.
///
/// Not on rayon's pool itself: Typst's layout and its PDF writer wait on that pool,
/// and a worker that waits there takes up the next fiche, then the next, each one
/// kept half made until the last is done. Memory grew by about 1 Mo per fiche; on
/// threads of their own, one document per thread is in the making at a time.
pub fn on_every_core<B: Sync, S: Sync>(
    big: &[B],
    make_big: impl Fn(&B) -> Result<()> + Sync,
    small: &[S],
    make_small: impl Fn(&S) -> Result<()> + Sync,
) -> Result<()> {
    each_on(Threads::Own, big, make_big, small, make_small)
}

/// [`on_every_core`] on the threads of rayon's pool, for work that never waits on
/// that pool (Tera's rendering): the memory those threads freed while loading the
/// repository then serves again (mimalloc keeps what a thread frees for that
/// thread), where new threads would take more.
pub fn on_the_pool<B: Sync, S: Sync>(
    big: &[B],
    make_big: impl Fn(&B) -> Result<()> + Sync,
    small: &[S],
    make_small: impl Fn(&S) -> Result<()> + Sync,
) -> Result<()> {
    each_on(Threads::Pool, big, make_big, small, make_small)
}

/// Which threads do the work.
enum Threads {
    /// Threads of their own, as many as rayon's pool has.
    Own,
    /// Rayon's pool.
    Pool,
}

fn each_on<B: Sync, S: Sync>(
    threads: Threads,
    big: &[B],
    make_big: impl Fn(&B) -> Result<()> + Sync,
    small: &[S],
    make_small: impl Fn(&S) -> Result<()> + Sync,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (next_big, next_small) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let (big_busy, failed) = (AtomicBool::new(false), AtomicBool::new(false));
    let work = || -> Result<()> {
        let stop = |e| {
            failed.store(true, Ordering::Relaxed);
            e
        };
        while !failed.load(Ordering::Relaxed) {
            // A thread that finds the big items taken by another goes on with the
            // small ones; whoever holds them comes back for the next big one.
            if !big_busy.swap(true, Ordering::Acquire) {
                let item = big.get(next_big.fetch_add(1, Ordering::Relaxed));
                let made = item.map(&make_big);
                big_busy.store(false, Ordering::Release);
                if let Some(made) = made {
                    made.map_err(stop)?;
                    continue;
                }
            }
            let Some(item) = small.get(next_small.fetch_add(1, Ordering::Relaxed)) else { break };
            make_small(item).map_err(stop)?;
        }
        Ok(())
    };
    if let Threads::Pool = threads {
        return rayon::broadcast(|_| work()).into_iter().collect();
    }
    let threads = rayon::current_num_threads().clamp(1, (big.len() + small.len()).max(1));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        // A panic here is clsm's own (Typst's are caught in `compile`): it goes on.
        let results: Vec<Result<()>> = workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect();
        results.into_iter().collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn big_documents_are_made_one_at_a_time_and_every_document_once() {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicBool, Ordering};
        let (big, small): (Vec<u32>, Vec<u32>) = ((0..20).collect(), (100..400).collect());
        for threads in [Threads::Own, Threads::Pool] {
            let made = Mutex::new(Vec::new());
            let in_big = AtomicBool::new(false);
            let overlapped = AtomicBool::new(false);
            let result = each_on(
                threads,
                &big,
                |n| {
                    if in_big.swap(true, Ordering::SeqCst) {
                        overlapped.store(true, Ordering::SeqCst);
                    }
                    std::thread::yield_now();
                    made.lock().unwrap().push(*n);
                    in_big.store(false, Ordering::SeqCst);
                    Ok(())
                },
                &small,
                |n| {
                    made.lock().unwrap().push(*n);
                    Ok(())
                },
            );
            assert!(result.is_ok());
            assert!(!overlapped.load(Ordering::SeqCst), "two big documents were laid out at once");
            let mut made = made.into_inner().unwrap();
            made.sort();
            assert_eq!(made, big.iter().chain(&small).copied().collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_first_failure_stops_the_documents_and_is_returned() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // Each fiche takes a millisecond: without the stop, they would take a second.
        let small: Vec<u32> = (0..2_000).collect();
        for threads in [Threads::Own, Threads::Pool] {
            let made = AtomicUsize::new(0);
            let result = each_on(
                threads,
                &[1u32],
                |_| Err(anyhow!("volume 1 impossible")),
                &small,
                |_| {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    made.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                },
            );
            assert_eq!(result.unwrap_err().to_string(), "volume 1 impossible");
            assert!(made.load(Ordering::SeqCst) < small.len(), "the fiches went on after the failure");
        }
    }
}
