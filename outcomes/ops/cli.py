"""`python -m outcomes ...`: build, check, intake, checklist, amend, export, releases, publish, prebuild, warm, bench, soak."""
from __future__ import annotations

import datetime as dt
import difflib
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup
from tqdm import tqdm

from outcomes import settings
from outcomes.build import pipeline
from outcomes.domain import checklist
from outcomes.domain.fields import PROVIDER_TYPES, Level
from outcomes.domain.geography import REGIONS, normalise_name
from outcomes.domain.releases import load_catalogue
from outcomes.domain.wording import when
from outcomes.errors import USAGE_EXIT, OutcomesError, UsageError
from outcomes.ops import bench as benchmarks
from outcomes.ops import httpbench, loadbench, serve, soak as soaking
from outcomes.publish import amend as amending
from outcomes.publish import files as publishing
from outcomes.publish import intake as intaking
from outcomes.publish import prebuilt
from outcomes.publish.boundaries import publish_boundaries
from outcomes.quality import findings as quality
from outcomes.render.csvfiles import to_csv_text
from outcomes.results import in_year, release as release_pages, tidy
from outcomes.store.store import Store, delayed_releases


class _Commands(TyperGroup):
    """Catches the OutcomesError family once, for every command: the message, no traceback, exit 2.
    Anything else is a bug and keeps its traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OutcomesError as e:
            typer.echo(f"error: {e.message}", err=True)
            raise typer.Exit(USAGE_EXIT) from None


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Ofsted inspection outcomes: build, check and export the releases. "
                       "Exit codes: 0 ok, 1 checks failed (nothing failing is published), 2 bad usage or input.")


def _apply(source: Optional[Path], data_dir: Optional[Path]) -> None:
    # Options win over the environment; setting the environment passes them to every module.
    if source:
        os.environ["OUTCOMES_SOURCE"] = str(source)
    if data_dir:
        os.environ["OUTCOMES_DATA"] = str(data_dir)


SourceOpt = typer.Option(None, "--source", help="Folder of published release files [env OUTCOMES_SOURCE; default ../shared/data/raw]")
DataOpt = typer.Option(None, "--data-dir", help="Folder for built data [env OUTCOMES_DATA; default data/]")


def _progress(items):
    """A progress bar on a terminal; in a log (make, CI) one line per release instead."""
    if sys.stderr.isatty():
        yield from tqdm(items, desc="releases", unit="release", file=sys.stderr)
        return
    items = list(items)
    for i, item in enumerate(items, start=1):
        print(f"[{i}/{len(items)}] {getattr(item, 'id', item)}", file=sys.stderr, flush=True)
        yield item


@app.command()
def build(source: Optional[Path] = SourceOpt, data_dir: Optional[Path] = DataOpt,
          release: list[str] = typer.Option(None, "--release", help="Build only this release id (repeatable)")) -> None:
    """Read every published file family, check it, and write parquet under the data folder."""
    _apply(source, data_dir)
    results = pipeline.build_all(only=release or None, progress=_progress)
    findings = [f for r in results for f in r.findings]
    titles = {r.id: r.title for r in load_catalogue()}
    quality.write_report(quality.capped(findings), titles, settings.data_dir() / "qa")
    failed = [r for r in results if not r.ok and not r.skipped]
    for r in results:
        mark = "skipped" if r.skipped else "FAILED " if not r.ok else "ok     "
        detail = r.skipped or (f"{len(r.providers):,} providers" if r.providers is not None else "")
        typer.echo(f"{mark} {r.release.id}: {detail}")
    if failed:
        typer.echo("\nNot published (what was there before is unchanged):", err=True)
        for r in failed:
            for f in quality.capped(quality.blocking(r.findings))[:10]:
                typer.echo(f"  {f.line()}", err=True)
        typer.echo(f"\nFull QA report: {settings.data_dir() / 'qa' / 'qa_report.md'}", err=True)
        raise typer.Exit(1)


@app.command()
def check(source: Optional[Path] = SourceOpt, data_dir: Optional[Path] = DataOpt) -> None:
    """Print the QA exception report of every release (and write it as markdown and CSV)."""
    _apply(source, data_dir)
    results = pipeline.build_all(write=False, progress=_progress)
    findings = quality.capped([f for r in results for f in r.findings])
    titles = {r.id: r.title for r in load_catalogue()}
    md, cs = quality.write_report(findings, titles, settings.data_dir() / "qa")
    typer.echo(quality.report_markdown(findings, titles))
    typer.echo(f"Written: {md} and {cs}")
    if any(not r.ok and not r.skipped for r in results):
        raise typer.Exit(1)


@app.command()
def amend(release: str = typer.Option(..., "--release", help="The release id to revise (python -m outcomes releases lists them)"),
          reason: str = typer.Option(..., "--reason", help="What changed and why: shown on the release page and in the catalogue"),
          source: Optional[Path] = SourceOpt, data_dir: Optional[Path] = DataOpt) -> None:
    """Make a new version of a release from its changed source files (the old one stays readable)."""
    _apply(source, data_dir)
    new = amending.amend(release, reason, progress=_progress)
    typer.echo(f"{new.id} is now version {new.version}: {reason}")
    typer.echo("Making the pages' results for the new version (python -m outcomes prebuild)...")
    prebuild(data_dir=None)
    typer.echo(f"Version {new.version - 1} stays readable at ?id={new.id}&version={new.version - 1} on the release page.")


@app.command()
def releases(data_dir: Optional[Path] = DataOpt) -> None:
    """List the releases published now (as at OUTCOMES_NOW), with status and as-at date, then those delayed."""
    _apply(None, data_dir)
    store = Store()
    for r in store.releases:
        typer.echo(f"{r.id:55} {r.provider_type:22} as at {r.as_at}  {r.status_label}")
    for r in delayed_releases(settings.data_dir(), load_catalogue(), store.now):
        typer.echo(f"{r.id:55} {r.provider_type:22} as at {r.as_at}  {release_pages.DELAYED} (due {when(r.published)}): "
                   f"python -m outcomes checklist {r.id}")


@app.command("checklist")
def checklist_command(release: str = typer.Argument(..., help="The release id (python -m outcomes releases lists them)"),
                      sign: Optional[str] = typer.Option(None, "--sign", help="Your name: sign the --item(s) as checked"),
                      item: list[str] = typer.Option(None, "--item", help="The item to sign (repeatable)"),
                      note: str = typer.Option("", "--note", help="What you checked and found (shown on the release page)"),
                      data_dir: Optional[Path] = DataOpt) -> None:
    """Show a release's QA checklist, or sign items of it; a release is published only once it is complete."""
    _apply(None, data_dir)
    found = next((r for r in load_catalogue() if r.id == release), None)
    if found is None:
        raise UsageError(f"no release {release!r} in the catalogue", fix="`python -m outcomes releases` lists them")
    if sign is not None or item:
        if sign is None or not item:
            raise UsageError("--sign NAME and --item ID go together", fix="e.g. --sign \"A. Analyst\" --item screener --note \"...\"")
        was = not checklist.missing(found)
        checklist.sign(found, item, sign, note)
        typer.echo(f"Signed by {sign.strip()}: {', '.join(item)}.")
    lines = checklist.lines(found)
    for line in lines:
        typer.echo(f"[{'x' if line.done else ' '}] {line.item.id:20} {line.item.label}\n      {_checklist_words(line)}")
    complete = all(line.done for line in lines)
    status = release_pages.release_status(found, settings.now(), complete)
    typer.echo(f"{found.id}: {sum(x.done for x in lines)} of {len(lines)} items done; {status} (publication time {when(found.published)}).")
    if sign is not None and complete and not was and found.is_visible():
        typer.echo("Complete: it is published now. Making the pages' results for it (python -m outcomes prebuild)...")
        prebuild(data_dir=None)


def _checklist_words(line: checklist.Line) -> str:
    """'done by A. Analyst, 4 December 2026, 10:15: the note', or what is to do and where to look."""
    if line.done:
        return f"done by {line.by}, {when(line.at)}" + (f": {line.note}" if line.note else "")
    found = f" (the build found: {line.found})" if line.found else ""
    return f"to do{found}" + (f"; {line.item.hint}" if line.item.hint else "")


@app.command()
def export(provider_type: str = typer.Option(..., "--provider-type", help="la_childrens_services, social_care_provider, state_funded_school, area_send or further_education"),
           as_at: str = typer.Option(..., "--as-at", help="YYYY-MM-DD: the release's 'as at' date"),
           level: str = typer.Option("national", "--level", help="national, regional, local_authority or provider"),
           subtype: Optional[str] = typer.Option(None, "--subtype", help="Provision type / phase / provider group"),
           region: Optional[str] = typer.Option(None, "--region", help="Only this region: its code (E12000003) or name"),
           la: Optional[str] = typer.Option(None, "--la", help="Only this local authority: ONS code, DfE number or name"),
           out: Optional[Path] = typer.Option(None, "--out", help="CSV file to write (default: standard output)"),
           scope: str = typer.Option("as_at", "--scope", help="as_at: latest inspection as at the date (the stock); "
                                     "in_year: inspections carried out in the year (the flow), one row per judgement"),
           data_dir: Optional[Path] = DataOpt) -> None:
    """Write a tidy CSV (Explore Education Statistics layout) and its metadata CSV beside it."""
    _apply(None, data_dir)
    if provider_type not in PROVIDER_TYPES:
        raise UsageError(f"unknown provider type {provider_type!r}", fix=f"Choose one of: {', '.join(PROVIDER_TYPES)}")
    if level not in set(Level):
        raise UsageError(f"unknown level {level!r}", fix=f"Choose one of: {', '.join(Level)}")
    day = _date_option("--as-at", as_at)
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist", fix="Create it first or choose another path")
    store = Store()
    matches = [r for r in store.releases_of(provider_type) if r.as_at == day]
    if not matches:
        have = ", ".join(str(r.as_at) for r in store.releases_of(provider_type)) or "none built or published yet (run make data)"
        raise UsageError(f"no {provider_type} release as at {day}; releases as at: {have}")
    release = matches[0]
    subtypes = set(store.query("subtypes", release_id=release.id)["provider_subtype"])
    if subtype and subtype not in subtypes:
        raise UsageError(f"unknown subtype {subtype!r} for {release.id}", fix=f"Choose one of: {', '.join(sorted(subtypes))}")
    region_code = _region_code(region) if region else None
    la_code = _la_code(store, la) if la else None
    if scope == "in_year":
        try:
            data, meta = in_year.export_frames(store, release, level, subtype)
        except ValueError as e:
            raise UsageError(str(e), fix="Use --scope as_at, or a release with in-year data") from None
    elif scope == "as_at":
        data, meta = tidy.export_frames(store, release, level, subtype, region_code, la_code)
    else:
        raise UsageError(f"unknown scope {scope!r}", fix="Choose as_at or in_year")
    if out is None:
        sys.stdout.write(to_csv_text(data))
        return
    out.write_text(to_csv_text(data), encoding="utf-8")
    meta_path = out.with_name(out.stem + ".meta.csv")
    meta_path.write_text(to_csv_text(meta), encoding="utf-8")
    typer.echo(f"wrote {len(data):,} rows to {out} and its metadata to {meta_path}", err=True)


def _date_option(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date", fix="Use YYYY-MM-DD, e.g. 2025-03-31") from None


def _time_option(option: str, value: str | None) -> dt.datetime | None:
    """An ISO date-time (London time); a date alone is 09:30 that day, when releases go out."""
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value) if "T" in value else dt.datetime.combine(dt.date.fromisoformat(value), dt.time(9, 30))
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date-time", fix="Use YYYY-MM-DDTHH:MM, e.g. 2027-01-14T09:30") from None


@app.command()
def intake(file: Path = typer.Argument(..., help="The downloaded file, in the source folder"),
           add: bool = typer.Option(False, "--add", help="Append the entry to the catalogue (data/releases.toml)"),
           as_at: Optional[str] = typer.Option(None, "--as-at", help="YYYY-MM-DD, where the file's title rows and name give none"),
           published: Optional[str] = typer.Option(None, "--published", help="When this site publishes it, e.g. 2027-01-14T09:30 "
                                                   "(default: a placeholder 09:30 four weeks ahead)"),
           source: Optional[Path] = SourceOpt) -> None:
    """Recognise a downloaded file's family and print the catalogue entry it would add (TOML); --add writes it."""
    _apply(source, None)
    proposal = intaking.propose(file, _date_option("--as-at", as_at), _time_option("--published", published))
    typer.echo(proposal.message)
    if proposal.entry:
        typer.echo("\n" + proposal.toml())
    if add:
        intaking.add(proposal)
        typer.echo(f"Added {proposal.entry['id']} to {settings.catalogue_path()}. Next: python -m outcomes check, then build; "
                   f"it is published at its time once its checklist is signed (python -m outcomes checklist {proposal.entry['id']}).")


def _region_code(value: str) -> str:

    for code, name in REGIONS.items():
        if value.strip().upper() == code or normalise_name(value) == normalise_name(name):
            return code
    raise UsageError(f"unknown region {value!r}", fix="Choose one of: " + "; ".join(f"{c} {n}" for c, n in REGIONS.items()))


def _la_code(store, value: str) -> str:
    """The current ONS code of an LA given by ONS code, DfE number or name (any spelling the lookup holds)."""


    las = store.la_lookup()
    key = normalise_name(value)
    for r in las.itertuples(index=False):
        names = str(r.search_names or "").split("|") + [normalise_name(r.la_name)]
        if value.strip().upper() == r.new_la_code or value.strip() == str(r.old_la_code) or key in names:
            return r.new_la_code
    close = difflib.get_close_matches(value, list(las["la_name"]), n=3)
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    raise UsageError(f"unknown local authority {value!r}", fix=hint + "Give an ONS code (E08000035), a DfE number (383) or a name")


@app.command()
def publish(data_dir: Optional[Path] = DataOpt,
            static: Optional[Path] = typer.Option(None, "--static", help="Folder served as /app/static [env OUTCOMES_STATIC; default static/]")) -> None:
    """Write the files of every release published now (OUTCOMES_NOW) to static/releases/, with an index."""
    _apply(None, data_dir)
    index = publishing.publish_files(static=static, progress=lambda m: print(m, file=sys.stderr, flush=True))
    typer.echo(f"wrote {index} (served at {publishing.URL_PREFIX}/{publishing.INDEX})")


@app.command()
def prebuild(data_dir: Optional[Path] = DataOpt) -> None:
    """Make each page's default results for every set of releases the public will see from now on
    (now, and after each scheduled publication), so no reader waits for them on release day."""
    _apply(None, data_dir)
    try:
        urls = publish_boundaries(settings.SERVED_STATIC, directory=settings.geo_dir())
    except (FileNotFoundError, OSError, ValueError, KeyError):
        urls = {}  # no boundaries built (python -m geo.build): the maps are made on first use instead
        typer.echo("no boundary files: maps are left to the site (run python -m geo.build first)", err=True)

    def progress(codes):
        # In a log (make, CI) a line every 10 seconds, not a redrawn bar.
        return tqdm(codes, desc="page results (local authorities)", unit="LA", file=sys.stderr,
                    mininterval=0.1 if sys.stderr.isatty() else 10)
    for path in prebuilt.build(boundary_urls=urls, progress=progress):
        typer.echo(f"wrote {path}")


@app.command()
def edition(out: Path = typer.Option(..., "--out", help="The folder to write the HTML edition into (made if missing)"),
            only: Optional[str] = typer.Option(None, "--only", help="Only addresses starting with this, e.g. /areas"),
            data_dir: Optional[Path] = DataOpt) -> None:
    """Write the HTML edition of the releases public now as static files (the site's own bytes)."""
    _apply(None, data_dir)
    # The edition's templates and GOV.UK Frontend are loaded by the one command that writes them.
    from outcomes.web import edition as site_edition
    from outcomes.web.edition import export  # (as above)

    addresses = [a for a in site_edition.addresses() if not only or a.startswith(only)]
    def progress(items):  # a bar on a terminal; in a log (make, CI) a line every 10 seconds
        return tqdm(items, desc="HTML edition", unit="page", file=sys.stderr, mininterval=0.1 if sys.stderr.isatty() else 10)
    written, failed = export.write(out, addresses, site_edition.sitemap_xml(), progress)
    typer.echo(f"wrote {written:,} pages of the HTML edition to {out}")
    if failed:
        typer.echo(f"error: {len(failed)} addresses made no page: {', '.join(failed[:10])}", err=True)
        raise typer.Exit(1)


@app.command()
def warm(url: str = typer.Option("http://127.0.0.1:8501", "--url", help="The Streamlit process to warm up"),
         data_dir: Optional[Path] = DataOpt) -> None:
    """Wait for a site process to be healthy, then walk one reader's journey on it, so its first
    real reader does not pay for the imports and the store (make serve does this for each process;
    the Kubernetes pod runs it as its postStart hook, before the pod is ready)."""
    _apply(None, data_dir)
    serve.wait_healthy(url, timeout=300)
    started = dt.datetime.now()
    loadbench.warm_up([url], loadbench.current_las(settings.data_dir()))
    typer.echo(f"warmed up {url} in {(dt.datetime.now() - started).total_seconds():.1f} s "
               "(a reader's journey, then the HTML edition's first pages)")


@app.command()
def bench(data_dir: Optional[Path] = DataOpt,
          quick: bool = typer.Option(False, "--quick", help="Under a minute: page runs and a short load; last line is JSON"),
          http: bool = typer.Option(False, "--http", help="Only the HTTP part: the HTML edition and the API under wrk, beside static nginx"),
          soak_waves: int = typer.Option(soaking.WAVES, "--soak-waves", min=0,
                                         help="Waves of the soak stage (0 leaves it out; python -m outcomes soak runs it alone)")) -> None:
    """Print speed and memory figures: build, store, queries, pages, the site under load, and a soak."""
    _apply(None, data_dir)
    if http:
        httpbench.run(typer.echo)
    elif quick:
        benchmarks.quick(typer.echo)
    else:
        benchmarks.run(typer.echo, soak_waves)


@app.command()
def soak(waves: int = typer.Option(soaking.WAVES, "--waves", min=1, help="Waves of sessions, one after another"),
         sessions: int = typer.Option(soaking.SESSIONS, "--sessions", min=1, help="Sessions per wave, each a full journey"),
         warmup: Optional[int] = typer.Option(None, "--warmup", min=0, help="Waves not judged (default: a quarter, and at least 250 sessions)"),
         data_dir: Optional[Path] = DataOpt) -> None:
    """Drive waves of readers through one fresh process and print its memory after each; exit 1 when
    memory does not level off (1 MB per wave or more after the warm-up) or any run fails."""
    _apply(None, data_dir)
    result = soaking.run(typer.echo, waves, sessions, warmup)
    problems = result.failures()
    for p in problems:
        typer.echo(f"soak failed: {p}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("soak passed: memory levelled off and every run ran")


if __name__ == "__main__":
    app()
