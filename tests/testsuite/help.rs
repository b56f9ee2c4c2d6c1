//! The help in every form: `clsm help`, French headings, the completions of each
//! shell and the manual pages.

use crate::{clsm, project_root, temp_dir};

fn stdout(args: &[&str]) -> String {
    let out = clsm(args, &project_root());
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_of_a_command_by_its_name_or_its_alias() {
    let help = stdout(&["help", "check"]);
    assert!(help.starts_with("Vérifie tout le dépôt"), "{help}");
    assert!(help.contains("Utilisation : clsm check [OPTIONS]"), "{help}");
    assert!(help.contains("Options\u{a0}:"), "{help}");
    assert!(help.contains("-h, --help              Affiche l'aide") && !help.contains("Print help"), "{help}");
    assert_eq!(stdout(&["check", "--help"]), help, "the same help, asked for either way");
    assert_eq!(stdout(&["aide", "verifier"]), help, "the alias names the same command");
    let all = stdout(&["help"]);
    assert!(all.contains("Commandes\u{a0}:") && all.contains("Options générales\u{a0}:"), "{all}");
    assert!(!all.contains("Commandes:") && !all.contains("Options:"), "no heading without its French space");
    assert!(!all.contains("__apercu"), "the preview's own process is not a command to show");
    assert_eq!(stdout(&["--help"]), all);
    let out = clsm(&["help", "chek"], &project_root());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("commande inconnue `chek`") && stderr.contains("vouliez-vous dire `check` ?"), "{stderr}");
}

#[test]
fn completions_for_each_shell_know_every_command() {
    for (shell, marker) in [
        ("bash", "_clsm()"),
        ("zsh", "#compdef clsm"),
        ("fish", "complete -c clsm"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        for command in ["check", "serve", "build", "bilan", "export"] {
            assert!(script.contains(command), "{shell} completes `{command}`");
        }
    }
    let bash = stdout(&["completions", "bash"]);
    assert!(bash.contains("--fiches-par-volume"), "options are completed too");
}

#[test]
fn manual_pages_for_clsm_and_each_command() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH clsm 1"), "{page}");
    assert!(page.contains(".SH NOM") && page.contains(".SH Commandes"), "sections in French");
    assert!(page.contains("Vérifie tout le dépôt"));
    let dir = temp_dir("man");
    assert_eq!(clsm(&["man", "--out", dir.to_str().unwrap()], &project_root()).status.code(), Some(0));
    let check = std::fs::read_to_string(dir.join("clsm-check.1")).unwrap();
    assert!(check.contains(".TH CLSM-CHECK 1") && check.contains("\\-\\-strict"), "{check}");
    assert!(dir.join("clsm.1").is_file() && dir.join("clsm-serve.1").is_file());
    assert!(!dir.join("clsm-__apercu.1").exists());
    // A second run replaces its own pages, never another file.
    std::fs::write(dir.join("clsm-bilan.1"), "une page écrite à la main\n").unwrap();
    let out = clsm(&["man", "--out", dir.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.join("clsm-bilan.1")).unwrap(), "une page écrite à la main\n");
}
