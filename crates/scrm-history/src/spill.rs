//! Where a run's stored results wait between scoring and recording: files next to the store.
//!
//! A run is recorded in vendor-id order, and the reader hands its vendors over in that order only
//! once the whole input is read. Until then what the history keeps of each scored vendor (its
//! flat row, its result's JSON, its answers: about 4 KB at 200 answers) is appended to a file of
//! the thread that scored it, and the run keeps 16 bytes a record saying where. A nightly run of
//! a million vendors held 7 GB of results and answer sheets in memory before (8.8 GiB peak,
//! 1.4 GiB now).
//!
//! The files live in `DIR/.spill-<pid>-<n>/`, are never synced (a crash loses nothing that a run
//! needs: no run is visible until it is committed from its own staging directory), and are
//! removed when the last record pointing into them is dropped, or by [`Spill::remove`]. A
//! writer killed before that leaves the directory behind; the next run that records removes it.

use crate::HistoryError;
use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::LocalKey;

/// Prefix of spill directories in a history store.
pub(crate) const SPILL_PREFIX: &str = ".spill-";

/// Bytes each thread's file buffers before writing (the writes are sequential appends).
const BUF_BYTES: usize = 1 << 20;

/// One thread's file: appended to while the run scores.
struct Slot {
    path: PathBuf,
    /// `None` once sealed.
    w: Option<BufWriter<File>>,
    /// Bytes written so far (the next record's offset).
    at: u64,
}

/// The spill files of one run (see the module's doc).
pub struct Spill {
    dir: PathBuf,
    /// One file a rayon worker, and a last one for any other thread.
    slots: Vec<Mutex<Slot>>,
    /// The same files, opened for reading.
    readers: Vec<File>,
    /// The first write that failed (reported by [`Spill::seal`], since workers cannot return it).
    failed: Mutex<Option<HistoryError>>,
    /// Whether every file was flushed, and what went wrong.
    sealed: OnceLock<Result<(), String>>,
    /// Whether [`Spill::remove`] removed the files already.
    removed: AtomicBool,
}

/// Where one record lies in a [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spilled {
    slot: u32,
    len: u32,
    at: u64,
}

impl Spill {
    /// Makes `store/.spill-<pid>-<n>/` (and `store` if missing), with a file for each thread of the
    /// current rayon pool and one more.
    pub fn create(store: &Path) -> Result<Self, HistoryError> {
        fs::create_dir_all(store).map_err(HistoryError::io(store))?;
        // A process may hold several (a run's, and its cache's).
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = store.join(format!("{SPILL_PREFIX}{}-{n}", std::process::id()));
        // Left by an earlier process that had this pid and was killed.
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(HistoryError::io(&dir))?;
        }
        fs::create_dir(&dir).map_err(HistoryError::io(&dir))?;
        let n = rayon::current_num_threads() + 1;
        let (mut slots, mut readers) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let path = dir.join(format!("{i}.json"));
            let file = File::create(&path).map_err(HistoryError::io(&path))?;
            readers.push(File::open(&path).map_err(HistoryError::io(&path))?);
            slots.push(Mutex::new(Slot {
                w: Some(BufWriter::with_capacity(BUF_BYTES, file)),
                path,
                at: 0,
            }));
        }
        Ok(Self {
            dir,
            slots,
            readers,
            failed: Mutex::new(None),
            sealed: OnceLock::new(),
            removed: AtomicBool::new(false),
        })
    }

    /// Appends a record to the calling thread's file. A failed write is kept for
    /// [`Spill::seal`] to report (a worker scoring a vendor has no way to return it).
    pub(crate) fn put(&self, bytes: &[u8]) -> Spilled {
        let i = rayon::current_thread_index()
            .filter(|&i| i + 1 < self.slots.len())
            .unwrap_or(self.slots.len() - 1);
        let mut slot = self.slots[i].lock().unwrap_or_else(|p| p.into_inner());
        let at = slot.at;
        let len = u32::try_from(bytes.len());
        let written = match (&mut slot.w, len) {
            (Some(w), Ok(_)) => w.write_all(bytes),
            (None, _) => Err(std::io::Error::other("written to after it was sealed")),
            (_, Err(_)) => Err(std::io::Error::other("a record of 4 GiB or more")),
        };
        if let Err(e) = written {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert_with(|| HistoryError::io(&slot.path)(e));
        }
        slot.at += bytes.len() as u64;
        Spilled {
            slot: i as u32,
            len: len.unwrap_or(0),
            at,
        }
    }

    /// Flushes every file (once), so that records can be read back; the first write that
    /// failed, if any, is the error.
    pub(crate) fn seal(&self) -> Result<(), HistoryError> {
        let sealed = self.sealed.get_or_init(|| {
            if let Some(e) = self.failed.lock().unwrap_or_else(|p| p.into_inner()).take() {
                return Err(e.to_string());
            }
            for slot in &self.slots {
                let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(mut w) = slot.w.take() {
                    w.flush()
                        .map_err(|e| HistoryError::io(&slot.path)(e).to_string())?;
                }
            }
            Ok(())
        });
        sealed.clone().map_err(|problem| HistoryError::Spill {
            dir: self.dir.clone(),
            problem,
        })
    }

    /// `f` given a record, read into the thread's buffer: most records are read once, to be
    /// decoded or copied, and a buffer of their own each was zeroed and freed every time.
    pub(crate) fn with_record<T>(
        &self,
        s: Spilled,
        f: impl FnOnce(&[u8]) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        thread_local! {
            static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        with_thread_buf(&BUF, |buf| self.read(s, buf).and_then(|()| f(buf)))
    }

    /// Reads a record back into `buf` (replacing what it held). [`Spill::seal`] first.
    pub(crate) fn read(&self, s: Spilled, buf: &mut Vec<u8>) -> Result<(), HistoryError> {
        // The files may still be open here after they are removed: refused, not read.
        if self.removed.load(Ordering::Relaxed) {
            return Err(HistoryError::Spill {
                dir: self.dir.clone(),
                problem: "a record was read after the spill was removed".to_string(),
            });
        }
        self.seal()?;
        let file = &self.readers[s.slot as usize];
        // Not cleared first: `resize` zeroes only what the buffer grows by, and the read
        // overwrites the rest (a cleared buffer was zeroed whole for every record read).
        buf.resize(s.len as usize, 0);
        read_exact_at(file, buf, s.at)
            .map_err(HistoryError::io(self.dir.join(format!("{}.json", s.slot))))
    }
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Spill {
    /// The spill directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes the files once the run is recorded, for a caller that will not drop its stored
    /// results (a process about to exit need not free a million of them one by one). Reading a
    /// record afterwards fails.
    pub fn remove(&self) -> Result<(), HistoryError> {
        if self.removed.swap(true, Ordering::Relaxed) {
            return Ok(());
        }
        fs::remove_dir_all(&self.dir).map_err(HistoryError::io(&self.dir))
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        // Nothing here is needed once the run is recorded (or has failed); what a killed
        // process leaves, the next run removes.
        if let Err(e) = self.remove() {
            tracing::warn!(error = %e, "could not remove a spill directory");
        }
    }
}

/// `f` given the thread's buffer in `key`, kept from call to call: a fresh buffer for each of a
/// run's million records was fresh pages for the kernel to clear. Not kept when the thread is
/// going away.
pub(crate) fn with_thread_buf<T>(
    key: &'static LocalKey<RefCell<Vec<u8>>>,
    f: impl FnOnce(&mut Vec<u8>) -> T,
) -> T {
    let mut buf = key.try_with(RefCell::take).unwrap_or_default();
    let out = f(&mut buf);
    let _ = key.try_with(|b| b.replace(buf));
    out
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
fn read_exact_at(f: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(f, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Whether a directory entry of the store is a spill directory (`.spill-<pid>-<n>`), and of
/// which process.
pub(crate) fn spill_pid(name: &str) -> Option<u32> {
    let (pid, n) = name.strip_prefix(SPILL_PREFIX)?.split_once('-')?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn records_read_back_from_every_thread() {
        let store = tempfile::tempdir().unwrap();
        let spill = Spill::create(store.path()).unwrap();
        let texts: Vec<String> = (0..2000)
            .map(|i| format!("record {i} {}", "x".repeat(i % 97)))
            .collect();
        let at: Vec<Spilled> = texts.par_iter().map(|t| spill.put(t.as_bytes())).collect();
        let mut buf = Vec::new();
        for (t, s) in texts.iter().zip(&at) {
            spill.read(*s, &mut buf).unwrap();
            assert_eq!(buf, t.as_bytes());
        }
        let dir = spill.dir().to_path_buf();
        assert!(dir.is_dir());
        assert_eq!(
            dir.file_name().and_then(|n| n.to_str()).and_then(spill_pid),
            Some(std::process::id())
        );
        drop(spill);
        assert!(!dir.exists(), "the spill directory outlived the spill");
    }

    #[test]
    fn spill_directories_are_named_by_pid() {
        assert_eq!(spill_pid(".spill-4242-0"), Some(4242));
        assert_eq!(spill_pid(".spill-4242"), None);
        assert_eq!(spill_pid(".spill-x-1"), None);
        assert_eq!(spill_pid(".staging-20260101T000000Z-ab-12"), None);
    }
}
