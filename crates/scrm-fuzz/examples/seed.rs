//! Writes every fuzz target's seeds (`scrm_fuzz::seeds`, then its kept regressions) into
//! `DIR/<target>/`: `cargo run -p scrm-fuzz --example seed -- fuzz/corpus` (`make fuzz` does).

fn main() -> std::io::Result<()> {
    let Some(out) = std::env::args_os().nth(1).map(std::path::PathBuf::from) else {
        return Err(std::io::Error::other("usage: seed DIR"));
    };
    for t in scrm_fuzz::Target::ALL {
        let dir = out.join(t.name());
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in scrm_fuzz::seeds(t)
            .into_iter()
            .chain(scrm_fuzz::regressions(t))
        {
            std::fs::write(dir.join(name), bytes)?;
        }
    }
    Ok(())
}
