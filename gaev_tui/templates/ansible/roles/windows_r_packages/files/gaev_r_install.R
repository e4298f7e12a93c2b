# Installs the R packages named on the command line that are not installed yet.
#
# Usage: Rscript --vanilla gaev_r_install.R cran|bioc REPOSITORY BIOC_VERSION PACKAGE...
#   cran: PACKAGE is "name" (any version) or "name@version" (exactly that CRAN version,
#         current or archived, through remotes::install_version).
#   bioc: PACKAGE is a Bioconductor package name, installed with BiocManager;
#         BIOC_VERSION ("" for the one matching this R) selects the release.
# Prints one "GAEV-INSTALLED name version" line per package it installed, so that
# Ansible can report "changed" only when something was installed. Exits non-zero when
# a requested package is still missing afterwards: install.packages() only warns.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: gaev_r_install.R cran|bioc REPOSITORY BIOC_VERSION PACKAGE...")
mode <- args[[1]]
repo <- args[[2]]
bioc_version <- args[[3]]
specs <- args[-(1:3)]
options(repos = c(CRAN = repo), Ncpus = max(1L, parallel::detectCores()))

parse_spec <- function(spec) {
  parts <- strsplit(spec, "@", fixed = TRUE)[[1]]
  list(name = parts[[1]], version = if (length(parts) > 1) parts[[2]] else NA_character_)
}

installed_version <- function(name) {
  found <- suppressWarnings(tryCatch(as.character(packageVersion(name)), error = function(e) NA_character_))
  found
}

satisfied <- function(p) {
  have <- installed_version(p$name)
  !is.na(have) && (is.na(p$version) || package_version(have) == package_version(p$version))
}

ensure_helper <- function(name) {
  if (is.na(installed_version(name))) {
    install.packages(name)
    if (is.na(installed_version(name))) stop("could not install ", name)
    cat("GAEV-INSTALLED", name, installed_version(name), "\n")
  }
}

wanted <- lapply(specs, parse_spec)
missing <- Filter(function(p) !satisfied(p), wanted)

if (length(missing) > 0) {
  if (mode == "cran") {
    plain <- vapply(Filter(function(p) is.na(p$version), missing), `[[`, "", "name")
    if (length(plain) > 0) install.packages(plain)
    pinned <- Filter(function(p) !is.na(p$version), missing)
    if (length(pinned) > 0) {
      ensure_helper("remotes")
      for (p in pinned) {
        remotes::install_version(p$name, version = p$version, repos = repo, upgrade = "never")
      }
    }
  } else if (mode == "bioc") {
    ensure_helper("BiocManager")
    names <- vapply(missing, `[[`, "", "name")
    if (nzchar(bioc_version)) {
      BiocManager::install(names, version = bioc_version, update = FALSE, ask = FALSE)
    } else {
      BiocManager::install(names, update = FALSE, ask = FALSE)
    }
  } else {
    stop("unknown mode: ", mode)
  }
}

failed <- character(0)
for (p in missing) {
  if (satisfied(p)) {
    cat("GAEV-INSTALLED", p$name, installed_version(p$name), "\n")
  } else {
    failed <- c(failed, if (is.na(p$version)) p$name else paste0(p$name, "@", p$version))
  }
}
if (length(failed) > 0) {
  message("GAEV: these R packages could not be installed: ", paste(failed, collapse = ", "))
  quit(status = 1)
}
