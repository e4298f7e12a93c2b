# Installs the CRAN and Bioconductor packages named on the command line that are not
# installed yet, in ONE resolver pass, so that a CRAN package importing Bioconductor
# packages (speaq -> MassSpecWavelet, impute) installs like any other.
#
# Usage: Rscript --vanilla gaev_r_install.R [OPTION...] CRAN_PACKAGE... [--bioc BIOC_PACKAGE...]
#   --repo=URL          CRAN (or a CRAN-like snapshot or binary repository)
#   --bioc-version=V    Bioconductor release ("3.18"); empty: the one for this R
#   --bioc-mirror=URL   where Bioconductor's repositories live (BiocManager's BioC_mirror)
#   --bioc-config=PATH  Bioconductor's config.yaml (version map), for offline mirrors
#   --type=TYPE         install.packages()'s type: "binary" (macOS: CRAN's builds, no
#                       compiler needed) or "source"; empty: R's default for the platform
#   CRAN_PACKAGE is "name" (any version) or "name@version" (exactly that CRAN version,
#   current or archived, through remotes::install_version); BIOC_PACKAGE is a name.
# Every package is resolved against CRAN and Bioconductor together (BiocManager's
# repositories): pinned ones first, then the rest in one BiocManager::install call.
# Prints one "GAEV-INSTALLED name version" line per package it installed, so that
# Ansible reports "changed" only when something was installed. Exits non-zero when a
# requested package is still missing afterwards: install.packages() only warns.

args <- commandArgs(trailingOnly = TRUE)
opts <- list(repo = "https://cloud.r-project.org", "bioc-version" = "", "bioc-mirror" = "", "bioc-config" = "", type = "")
cran_specs <- character(0)
bioc_specs <- character(0)
in_bioc <- FALSE
for (arg in args) {
  if (arg == "--bioc") {
    in_bioc <- TRUE
  } else if (startsWith(arg, "--")) {
    key <- sub("=.*$", "", sub("^--", "", arg))
    if (!key %in% names(opts)) stop("unknown option: ", arg)
    opts[[key]] <- if (grepl("=", arg, fixed = TRUE)) sub("^[^=]*=", "", arg) else ""
  } else if (in_bioc) {
    bioc_specs <- c(bioc_specs, arg)
  } else {
    cran_specs <- c(cran_specs, arg)
  }
}

# detectCores() is NA where /proc is missing (a chroot): R's installer then fails.
cores <- suppressWarnings(parallel::detectCores())
options(repos = c(CRAN = opts$repo), Ncpus = if (is.na(cores)) 1L else max(1L, cores))
if (nzchar(opts[["bioc-mirror"]])) options(BioC_mirror = opts[["bioc-mirror"]])
if (nzchar(opts[["bioc-config"]])) options(BIOCONDUCTOR_CONFIG_FILE = opts[["bioc-config"]])
# install.packages() (and BiocManager::install, which calls it) takes its default type
# from this option.
if (nzchar(opts$type)) options(pkgType = opts$type)
# Posit Package Manager serves Linux binaries only to a client that names its R and
# platform in the User-Agent (its documented setting); other repositories ignore it.
if (grepl("/__linux__/", opts$repo, fixed = TRUE)) {
  options(HTTPUserAgent = sprintf("R/%s R (%s)", getRversion(),
                                  paste(getRversion(), R.version["platform"], R.version["arch"], R.version["os"])))
}

parse_spec <- function(spec) {
  parts <- strsplit(spec, "@", fixed = TRUE)[[1]]
  list(name = parts[[1]], version = if (length(parts) > 1) parts[[2]] else NA_character_)
}

installed_version <- function(name) {
  suppressWarnings(tryCatch(as.character(packageVersion(name)), error = function(e) NA_character_))
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

wanted <- lapply(c(cran_specs, bioc_specs), parse_spec)
missing <- Filter(function(p) !satisfied(p), wanted)

if (length(missing) > 0) {
  ensure_helper("BiocManager")
  bioc_version <- opts[["bioc-version"]]
  # CRAN (options(repos)) and every Bioconductor repository of that release. Without
  # Bioconductor (its version map unreachable), CRAN-only lists still install.
  repos <- tryCatch(
    if (nzchar(bioc_version)) BiocManager::repositories(version = bioc_version) else BiocManager::repositories(),
    error = function(e) {
      if (length(bioc_specs) > 0) stop(e)
      message("GAEV: Bioconductor is out of reach (", conditionMessage(e), "); installing from CRAN alone")
      NULL
    })
  with_bioc <- !is.null(repos)
  if (!with_bioc) repos <- getOption("repos")
  pinned <- Filter(function(p) !is.na(p$version), missing)
  if (length(pinned) > 0) {
    ensure_helper("remotes")
    for (p in pinned) {
      remotes::install_version(p$name, version = p$version, repos = repos, upgrade = "never")
    }
  }
  plain <- vapply(Filter(function(p) is.na(p$version) && !satisfied(p), missing), `[[`, "", "name")
  if (length(plain) > 0 && !with_bioc) {
    install.packages(plain, repos = repos)
  } else if (length(plain) > 0) {
    if (nzchar(bioc_version)) {
      BiocManager::install(plain, version = bioc_version, update = FALSE, ask = FALSE)
    } else {
      BiocManager::install(plain, update = FALSE, ask = FALSE)
    }
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
