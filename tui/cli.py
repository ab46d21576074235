"""The `wfplan` command: the app by default, and the `check`, `demo` and `report` subcommands.

`check`, `demo` and `report` run in scripts and cron jobs, so this module imports Textual
only on the path that opens the app. Every error reaches the user as one clear sentence
with an exit code (0 fine, 1 data problem, 2 usage or config error); a bug writes its
traceback to a log file and names it instead of printing it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from queries.contract.location import DataLocation
from queries.engines.protocol import EngineError
from queries.errors import ConfigError
from queries.format import visible, visible_lines

if TYPE_CHECKING:  # the settings' module imports pydantic: the app's cold start defers it (tui/quick_start.py)
    from queries.config import Settings

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # a second ctrl+c while the first one was being reported
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as err:
        _say(f"wfplan: config error: {err}")
        return EXIT_USAGE
    except UsageError as err:
        _say(f"wfplan: {err}")
        return EXIT_USAGE
    except DataRefused:
        return EXIT_DATA  # the problems are already printed
    except EngineError as err:  # e.g. Spark did not start, or a Spark Connect server is unreachable
        print(f"wfplan: engine error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as err:
        if _is_interrupt(err):  # DuckDB, or code cleaning up after ctrl+c, turns it into its own error
            return _interrupted()
        from tui.crash import write_crash_log

        log = write_crash_log(err)
        _say(f"wfplan: unexpected error: {err}\nThe details are in {log}")
        return EXIT_DATA


def _say(message: str) -> None:
    """One message on stderr, its text from files and data with control characters visible."""
    print(visible_lines(message), file=sys.stderr)


def _interrupted() -> int:
    """ctrl+c: one word and exit 130, however far the command got. A second ctrl+c while this
    is printed ends in `main`'s own handler; once `main` returns, tui.entry's."""
    try:
        print("wfplan: interrupted", file=sys.stderr)
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe: the exit code says it all
        pass
    return EXIT_INTERRUPTED


def _is_interrupt(err: BaseException) -> bool:
    """Whether `err`, or an error it was raised while handling, is a ctrl+c or a cancel."""
    from queries.cancel import Cancelled
    from queries.engines.protocol import QueryCancelled

    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        duckdb = sys.modules.get("duckdb")
        if isinstance(current, (KeyboardInterrupt, QueryCancelled, Cancelled)) or (
            duckdb is not None and isinstance(current, duckdb.InterruptException)
        ) or (isinstance(current, RuntimeError) and "interrupted" in str(current).lower()):
            return True
        current = current.__cause__ or current.__context__
    return False


class UsageError(Exception):
    """A command-line argument that parses but makes no sense."""


class DataRefused(Exception):
    """The data folder breaks the contract; its problems have been printed."""


# -- arguments --------------------------------------------------------------------------------


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-09-30, got {text!r}") from None


def data_location(text: str) -> DataLocation:
    from queries.contract.location import LocationError, parse_location

    try:
        return parse_location(text)
    except LocationError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def port_number(text: str) -> int:
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be 65535 or less, got {value}")
    return value


def share_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.5, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value:g}")
    return value


def money_value(text: str) -> float:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount in USD such as 2000000, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def optimize_flags() -> argparse.ArgumentParser:
    """The closure plan's constraints; each overrides the same key of the [optimize] settings."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--target-share", type=share_value, metavar="SHARE",
                       help="remote share to reach, 0 to 1 (optimize.target_share)")
    flags.add_argument("--target-month", type=iso_date, metavar="DATE",
                       help="reach it by this date's month (optimize.target_month; default the horizon's last month)")
    flags.add_argument("--max-closures-per-quarter", type=whole_number, metavar="K",
                       help="at most K closures in each quarter of the horizon (optimize.max_closures_per_quarter)")
    flags.add_argument("--one-time-budget-per-year", type=money_value, metavar="USD",
                       help="one-time costs allowed in each year of the horizon (optimize.one_time_budget_per_year)")
    flags.add_argument("--keep", action="append", metavar="SITE",
                       help="keep this site open; give it once per site (optimize.keep_sites)")
    return flags


def optimize_overrides(args: argparse.Namespace) -> dict[str, Any]:
    values = {
        "target_share": getattr(args, "target_share", None), "target_month": getattr(args, "target_month", None),
        "max_closures_per_quarter": getattr(args, "max_closures_per_quarter", None),
        "one_time_budget_per_year": getattr(args, "one_time_budget_per_year", None),
        "keep_sites": getattr(args, "keep", None),
    }
    return {k: v for k, v in values.items() if v is not None}


def build_parser() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the command (wfplan --config X check) must not be
    # reset to None by the same option's default on the command's own parser.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                        help="settings file (default: $WFPLAN_CONFIG, else the user config folder)")
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", type=data_location, metavar="DIR", default=argparse.SUPPRESS,
                      help="folder of Parquet exports, or its URI: file://, or s3a://, abfss://, gs://, "
                      "hdfs:// with --engine spark (default: configured, else the demo data)")
    data.add_argument("--engine", choices=["duckdb", "spark"], default=argparse.SUPPRESS,
                      help="query engine (default: [engine] name in the settings, else duckdb)")
    data.add_argument("--spark-remote", metavar="URL", default=argparse.SUPPRESS,
                      help="run on Spark through Spark Connect, e.g. sc://spark-gw:15002 (implies --engine spark)")
    data.add_argument("--spark-master", metavar="URL", default=argparse.SUPPRESS,
                      help="run on Spark with this master, e.g. local[*] or spark://host:7077 (implies --engine spark)")

    parser = argparse.ArgumentParser(
        prog="wfplan", parents=[common, data],
        description="Contact-center workforce planning: site costs, remote share, hiring reach, KPIs.",
        epilog="Run without a command to open the app. 'wfplan COMMAND --help' for each command.",
    )
    parser.add_argument("--scenario", type=Path, metavar="FILE", help="open with this scenario active")
    parser.set_defaults(run=run_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = sub.add_parser("check", parents=[common, data], help="check a data folder against the data contract",
                           description="Check a folder of exports against the data contract. "
                           "Exit 0: clean or warnings only; 1: the contract is broken; 2: usage or config error.")
    check.add_argument("--format", choices=["text", "json"], default="text", help="output format (default text)")
    check.set_defaults(run=run_check)

    demo = sub.add_parser("demo", parents=[common], help="write a demo data folder",
                          description="Write a realistic, contract-conforming demo folder, deterministic for a seed.")
    demo.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: the demo folder in the user cache)")
    demo.add_argument("--agents", type=positive_int, metavar="N",
                      help="headcount on the first day, kept roughly level (default 4000)")
    demo.add_argument("--days", type=positive_int, metavar="N", help="days of history (default 730)")
    demo.add_argument("--seed", type=int, metavar="S", help="random seed (default 7)")
    demo.add_argument("--force", action="store_true", help="replace DIR if it exists")
    demo.set_defaults(run=run_demo)

    cache = sub.add_parser("cache", help="show or clear the cache of check results",
                           description="The app and report keep the result of the contract check of "
                           "unchanged exports in the user cache folder, keyed by the files' names, sizes "
                           "and modification times, so a second start skips it. A changed export is "
                           "always checked again; --clear empties the cache.")
    cache.add_argument("--clear", action="store_true", help="remove every cached result")
    cache.set_defaults(run=run_cache)

    report = sub.add_parser("report", parents=[common, data, optimize_flags()], help="print the planning numbers for scripts",
                            description="Print the numbers of every screen. JSON keys are a stable interface. "
                            "Two --scenario options add the baseline and both scenarios side by side.")
    report.add_argument("--format", choices=["json", "md", "csv"], default="json", help="output format (default json)")
    report.add_argument("--as-of", type=iso_date, metavar="DATE", help="as-of date (default: last day with KPI data)")
    report.add_argument("--from", dest="start", type=iso_date, metavar="DATE", help="period start (default: 90 days before --to)")
    report.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="period end (default: last day with KPI data)")
    report.add_argument("--scenario", dest="report_scenarios", type=Path, metavar="FILE", action="append",
                        help="add the scenario section for this scenario file; give it twice (or more) "
                        "to add scenario_comparison: the baseline and each scenario side by side")
    report.add_argument("--optimize", action="store_true",
                        help="add closure_plan: which sites to close, and when (constraints from [optimize] or the flags)")
    report.set_defaults(run=run_report)

    optimize = sub.add_parser("optimize", parents=[common, data, optimize_flags()],
                              help="which sites to close, and when: the closure plan of highest NPV",
                              description="Find the site closures (site and month) of highest net present value over "
                              "the plan's horizon that meet the constraints, exactly (a mixed-integer program). The "
                              "scenario's parameter and site changes apply; its own closures and remote target are set "
                              "aside. Constraints come from the [optimize] settings, overridden by the flags.")
    optimize.add_argument("--scenario", dest="optimize_scenario", type=Path, metavar="FILE",
                          help="start from this scenario's parameter and site changes")
    optimize.add_argument("--as-of", type=iso_date, metavar="DATE", help="as-of date (default: last day with KPI data)")
    optimize.add_argument("--format", choices=["text", "json", "md", "csv"], default="text",
                          help="output format (default text; json, md and csv as the report's closure_plan)")
    optimize.add_argument("--write", type=Path, metavar="FILE.toml",
                          help="save the recommended closures as a scenario file")
    optimize.add_argument("--force", action="store_true", help="replace FILE.toml if it exists")
    optimize.set_defaults(run=run_optimize)

    serve = sub.add_parser("serve", parents=[common, data], help="serve the app in a web browser (textual-serve)",
                           description="Serve the app on http://HOST:PORT with textual-serve: each browser tab gets "
                           "its own wfplan on the same data, scenario and settings. There is no login, so it "
                           "listens on 127.0.0.1 unless --host says otherwise.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=port_number, default=8000, metavar="PORT", help="port to listen on (default 8000)")
    serve.add_argument("--scenario", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                       help="open the app with this scenario active")
    serve.set_defaults(run=run_serve)
    return parser


def settings_from(args: argparse.Namespace, quiet: bool = False) -> Settings:
    """The settings of the flags, environment and file; deprecation notes printed unless
    `quiet` (the app, which shows them itself, loading them while it runs)."""
    from queries.config import load_settings

    overrides: dict[str, Any] = {"data_folder": getattr(args, "data", None), "engine": engine_overrides(args)}
    if optimize_overrides(args):
        overrides["optimize"] = optimize_overrides(args)
    settings = load_settings(getattr(args, "config", None), overrides)
    for note in [] if quiet else settings.deprecations:
        print(f"wfplan: {note}", file=sys.stderr)
    return settings


def engine_overrides(args: argparse.Namespace) -> dict[str, Any] | None:
    """`--engine`, `--spark-remote`, `--spark-master` as the `[engine]` keys they set (None: none
    given). A Spark address alone means Spark and replaces the other way in the settings file
    may name (remote or master); `[engine.spark.conf]` still comes from the file."""
    spark = {key: getattr(args, f"spark_{key}") for key in ("remote", "master") if hasattr(args, f"spark_{key}")}
    name = getattr(args, "engine", None) or ("spark" if spark else None)
    if name is None:
        return None
    if spark and name != "spark":
        raise UsageError(f"--spark-{next(iter(spark))} needs --engine spark (got --engine {name})")
    if len(spark) > 1:
        raise UsageError("give --spark-remote (Spark Connect) or --spark-master, not both")
    # One way in replaces the other the settings file may name.
    spark = {"remote": None, "master": None, **spark} if spark else {}
    return {"name": name, **({"spark": spark} if spark else {})}


# -- commands ---------------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    from queries.contract.check import check_folder
    from queries.engines.protocol import connect
    from tui.progress import terminal_progress

    settings = settings_from(args)
    folder = data_folder(settings)
    engine = connect(folder, settings.engine)
    try:
        with terminal_progress(f"checking {folder}") as progress:
            result = check_folder(folder, engine, progress=lambda done, total, _: progress(done, total))
    finally:
        engine.close()  # a Spark Connect session is freed on the server now, not at exit
    if args.format == "json":
        import json

        print(json.dumps(result.as_dict(), indent=2))
    else:
        for problem in result.problems:
            print(problem.line())
        print(visible(result.summary()))
    return EXIT_OK if result.ok else EXIT_DATA


def run_cache(args: argparse.Namespace) -> int:
    from queries.contract import check_cache as cache

    folder = cache.cache_folder()
    if args.clear:
        removed = cache.clear()
        print(f"removed {removed} cached result{'s' * (removed != 1)} from {folder}")
    else:
        entries = len(list(folder.glob("*.json"))) if folder.is_dir() else 0
        print(f"{folder}: {entries} cached result{'s' * (entries != 1)} ('wfplan cache --clear' removes them)")
    return EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    from queries.demo.generate import DemoError, generate_demo
    from tui.progress import terminal_progress

    settings_from(args)  # a broken config file is reported even here
    out = args.out or default_demo_folder()
    options = {k: v for k, v in {"agents": args.agents, "days": args.days, "seed": args.seed}.items() if v is not None}
    try:
        with terminal_progress(f"writing demo data to {out}") as progress:
            summary = generate_demo(out, overwrite=args.force, progress=progress, **options)
    except DemoError as err:
        raise UsageError(str(err)) from None
    rows = ", ".join(f"{table} {n:,}" for table, n in summary.rows.items())
    print(f"wrote {summary.folder} ({rows})")
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    from queries.model.period import PeriodError, resolve_period
    from queries.model.scenario import ScenarioError, load_scenario, validate_against
    from queries.plan.loading import data_range, load_plan_data
    from queries.plan.session import PlanSession
    from queries.report.build import FigureOverflow, build_report
    from queries.report.formats import FORMATS

    settings = settings_from(args)
    # A list when given after `report` (append), one path when given before it.
    # `wfplan --scenario A report --scenario B` means both, A first.
    paths = ([args.scenario] if args.scenario else []) + (args.report_scenarios or [])
    try:
        scenarios = [load_scenario(path) for path in paths]
    except ScenarioError as err:
        raise UsageError(f"scenario error: {err}") from None
    engine = open_checked(settings)
    available = data_range(engine)
    try:
        period = resolve_period(available, args.as_of, args.start, args.end)
    except PeriodError as err:
        raise UsageError(str(err)) from None
    data = load_plan_data(engine, period, available)
    try:
        session = PlanSession(data.workforce, settings.parameters, scenarios[0] if scenarios else None,
                              paths[0] if paths else None, regions=data.regions, forecast=data.forecast)
        for scenario, path in zip(scenarios[1:], paths[1:], strict=True):
            validate_against(scenario, session.site_ids, str(path), session.baseline.as_of)
    except ScenarioError as err:
        raise UsageError(f"scenario error: {err}") from None
    warn_about_changed_data(engine, available, list(zip(scenarios, paths, strict=True)))
    compare = list(zip(scenarios, paths, strict=True)) if len(scenarios) > 1 else None
    from queries.model.optimizer import OptimizeError

    try:
        report = build_report(engine, period, session, data, compare, optimize=args.optimize)
    except (OptimizeError, FigureOverflow) as err:
        raise UsageError(str(err)) from None
    finally:
        engine.close()  # a Spark Connect session is freed on the server now, not at exit
    sys.stdout.write(FORMATS[args.format](report))
    return EXIT_OK


def run_optimize(args: argparse.Namespace) -> int:
    from queries.model.optimizer import OptimizeError, describe_constraints, plan_lines
    from queries.model.period import PeriodError, resolve_period
    from queries.model.scenario import ScenarioError, load_scenario
    from queries.plan.loading import data_range, load_plan_data
    from queries.plan.scenario_file import SaveError, data_stamp, save_scenario, with_meta
    from queries.plan.session import PlanSession
    from queries.report.formats import FORMATS

    settings = settings_from(args)
    path = args.optimize_scenario or args.scenario
    if args.write is not None and args.write.exists() and not args.force:
        raise UsageError(f"{args.write} exists; --force replaces it")
    try:
        scenario = load_scenario(path) if path else None
    except ScenarioError as err:
        raise UsageError(f"scenario error: {err}") from None
    engine = open_checked(settings)
    available = data_range(engine)
    try:
        period = resolve_period(available, args.as_of, None, None)
    except PeriodError as err:
        raise UsageError(str(err)) from None
    data = load_plan_data(engine, period, available)
    try:
        session = PlanSession(data.workforce, settings.parameters, scenario, path, regions=data.regions)
        plan = session.closure_plan()
    except (ScenarioError, OptimizeError) as err:
        raise UsageError(str(err)) from None
    if args.format != "text":
        sys.stdout.write(FORMATS[args.format]({"closure_plan": plan.as_report()}))
    else:
        params = session.scenario.effective_parameters(session.base_params)
        from queries.model.optimizer import constraints_from

        constraints = constraints_from(params.optimize, period.as_of, params.plan.horizon_months)
        print(f"Closure plan as of {period.as_of.isoformat()}, {params.plan.horizon_months} months, "
              f"discount rate {params.plan.discount_rate:.1%}")
        print("Constraints: " + describe_constraints(constraints, period.as_of, params.plan.horizon_months,
                                                     params.optimize.keep_sites))
        print(visible_lines("\n".join(plan_lines(plan))))
    if args.write is not None:
        if not plan.feasible:
            print(f"wfplan: nothing written to {args.write}: no closure plan meets the constraints", file=sys.stderr)
            return EXIT_OK
        base = session.scenario
        name = "Closure plan" if base.name == "Untitled" else f"{base.name}: closure plan"[:100]
        recommended = with_meta(plan.scenario(base).model_copy(update={"name": name}), period.as_of,
                                data_stamp(engine, available))
        try:
            save_scenario(recommended, args.write, engine.folder)
        except SaveError as err:
            raise UsageError(str(err)) from None
        print(f"wrote {args.write} ({len(plan.closures)} closure(s)); 'wfplan --scenario {args.write}' opens it",
              file=sys.stderr)
    return EXIT_OK


def warn_about_changed_data(engine: Any, available: Any, scenarios: list[tuple[Any, Path]]) -> None:
    """On stderr: each scenario file saved on other data, and what changed (rows, dates)."""
    from queries.plan.scenario_file import changed_data_warning, data_stamp

    if not any(s.meta.data_fingerprint for s, _ in scenarios):
        return
    stamp = data_stamp(engine, available)
    for scenario, path in scenarios:
        warning = changed_data_warning(str(path), scenario.meta, stamp)
        if warning:
            _say(f"wfplan: warning: {warning}")


def run_serve(args: argparse.Namespace) -> int:
    from tui.serve import app_args, serve

    settings = settings_from(args)  # a broken config is reported here, not in each browser tab
    folder = data_folder(settings)  # the demo folder is generated once, here, not by every tab
    # Each browser's app runs on the engine the command line named, not only the configured one.
    engine = [f"--{flag.replace('_', '-')}={getattr(args, flag)}"
              for flag in ("engine", "spark_remote", "spark_master") if hasattr(args, flag)]
    return serve(args.host, args.port, app_args(folder, args.scenario, getattr(args, "config", None)) + engine)


def run_app(args: argparse.Namespace) -> int:
    from tui.quick_start import look_up

    engine_overrides(args)  # a usage error in the flags is reported before the app starts, as ever
    # The start cache (tui/quick_start.py): on the same inputs and exports as an earlier start,
    # the app shows that start's first screen at once and loads the settings in its worker;
    # pydantic, polars and the rest are imported there, after the first frame.
    quick = look_up(args, lambda: settings_from(args, quiet=True))
    settings: Settings | None = None
    folder: DataLocation
    if quick.first is not None and quick.folder is not None:
        folder = quick.folder
    else:
        settings = settings_from(args)
        folder = data_folder(settings)
    from tui.app import WfplanApp

    app = WfplanApp(settings=settings, folder=folder, scenario_path=args.scenario, quick=quick)
    app.run()
    if app.crash_message:
        _say(app.crash_message)
    return app.return_code or EXIT_OK


# -- shared -----------------------------------------------------------------------------------


def default_demo_folder() -> Path:
    from platformdirs import user_cache_path

    from queries.demo.generate import DEMO_VERSION

    return user_cache_path("wfplan") / f"demo-v{DEMO_VERSION}"


def data_folder(settings: Settings) -> DataLocation:
    """The configured folder (or URI), else the demo folder, generated on first use."""
    if settings.data_folder is not None:
        return settings.data_folder
    folder = default_demo_folder()
    if not folder.exists():
        from queries.demo.generate import generate_demo
        from tui.progress import terminal_progress

        print(f"wfplan: no data folder configured; generating demo data in {folder} (once)", file=sys.stderr)
        with terminal_progress("generating demo data") as progress:
            generate_demo(folder, progress=progress)
    return folder


def open_checked(settings: Settings) -> Any:
    """Open the data folder for queries, refusing it with the check's messages when broken."""
    from queries.contract.check import open_folder
    from tui.progress import terminal_progress

    folder = data_folder(settings)
    with terminal_progress(f"checking {folder}") as progress:
        engine, result = open_folder(
            folder, settings.engine,
            progress=lambda done, total, _: progress(done, total), use_cache=True,
        )
    if not result.ok:
        for problem in result.problems:
            print(problem.line(), file=sys.stderr)
        print(visible(result.summary()), file=sys.stderr)
        raise DataRefused
    return engine


ProgressCallback = Callable[[int, int], None]


if __name__ == "__main__":
    sys.exit(main())
