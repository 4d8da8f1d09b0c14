"""``codegen-ast regenerate``: bring packages up to date and keep the user's work."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from codegen_ast.commands.output import changed_files, unified_diff
from codegen_ast.package import write_package
from codegen_ast.readers import read_node_spec
from codegen_ast.regenerate import plan_regeneration


@click.command("regenerate")
@click.argument("package_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--spec", "spec_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Regenerate from this spec instead of the one the manifest records (one package only).")
@click.option("--dry-run", "mode", flag_value="dry-run", help="Say what would happen; write nothing.")
@click.option("--diff", "mode", flag_value="diff", help="Print the unified diff that regenerating would apply.")
@click.option("--check", "mode", flag_value="check", help="Exit 1 if regenerating would change anything.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools.")
@click.option("-q", "--quiet", is_flag=True, help="Print only conflicts and errors.")
def regenerate_command(
    package_dirs: tuple[Path, ...], spec_file: Path | None, mode: str | None, output_format: str, quiet: bool
) -> None:
    """Regenerate each package in PACKAGE_DIRS with the current codegen-ast.

    Files you never touched are replaced; in files you edited, your method
    bodies and added members survive (a merge by class and member); a real
    conflict keeps your version and is reported (exit code 1). Files you added
    to the package are left alone.

    \b
    Examples:
      codegen-ast regenerate out/node_orders_effect
      codegen-ast regenerate out/node_orders_effect --diff
      codegen-ast regenerate out/node_orders_effect --spec examples/orders_effect.yaml
    """
    if spec_file is not None and len(package_dirs) != 1:
        raise click.UsageError("--spec goes with exactly one package folder")
    spec = read_node_spec(spec_file) if spec_file is not None else None
    results = []
    exit_code = 0
    for package_dir in package_dirs:
        plan = plan_regeneration(package_dir, spec)
        changed = changed_files(plan.package, package_dir)
        if mode == "diff":
            click.echo(unified_diff(plan.package, package_dir), nl=False)
        elif mode is None:
            write_package(plan.package, package_dir.parent, force=True, keep_user_files=True, dropped=frozenset(plan.removed))
        if plan.conflicts or (mode == "check" and changed):
            exit_code = 1
        results.append(
            {
                "package": str(package_dir),
                "changed": changed,
                "replaced": plan.replaced,
                "merged": plan.merged,
                "removed": plan.removed,
                "kept": plan.kept,
                "conflicts": plan.conflicts,
            }
        )
    if output_format == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        for result in results:
            for conflict in result["conflicts"]:
                click.echo(f"conflict: {result['package']}/{conflict}", err=True)
            if not quiet:
                verb = "would update" if mode else "updated"
                click.echo(f"{verb} {result['package']}: {len(result['changed'])} files changed, "
                           f"{len(result['merged'])} merged with your edits, {len(result['kept'])} additions of yours kept")
    sys.exit(exit_code)
