#!/usr/bin/python3 -IS
"""An OCI runtime for hosts whose capability bounding set lacks CAP_SYS_RESOURCE.

There runc cannot grant that capability, so every privileged container (every kind node) fails with
"unable to apply caps: operation not permitted". This wrapper deletes CAP_SYS_RESOURCE from every
capability set of the container's config.json (`create`/`run`: the bundle is --bundle/-b or the working
directory) and of the --process/-p file (`exec`), then execs the real runc with the same arguments.
ops/docker/ensure-docker.sh installs it with REAL_RUNC filled in and makes it dockerd's default runtime.
"""
import json
import os
import sys

REAL_RUNC = "@REAL_RUNC@"
REFUSED_CAPABILITY = "CAP_SYS_RESOURCE"
# runc's global options that take a value; they come before the subcommand.
GLOBAL_OPTIONS_WITH_VALUE = {"--root", "--log", "--log-format", "--criu", "--rootless"}


def split_subcommand(args):
    """(subcommand, its arguments), skipping runc's global options."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in GLOBAL_OPTIONS_WITH_VALUE:
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg, args[i + 1:]
    return None, []


def option_value(args, long_name, short_name):
    for i, arg in enumerate(args):
        if arg in (long_name, short_name) and i + 1 < len(args):
            return args[i + 1]
        for name in (long_name, short_name):
            if arg.startswith(name + "="):
                return arg[len(name) + 1:]
    return None


def strip_capability(path, process_of):
    with open(path) as f:
        document = json.load(f)
    capabilities = (process_of(document) or {}).get("capabilities") or {}
    changed = False
    for set_name, values in capabilities.items():
        if isinstance(values, list) and REFUSED_CAPABILITY in values:
            capabilities[set_name] = [value for value in values if value != REFUSED_CAPABILITY]
            changed = True
    if changed:
        # Rewritten in place (not replaced) so the file keeps its owner and mode.
        with open(path, "w") as f:
            json.dump(document, f)


def main():
    args = sys.argv[1:]
    subcommand, rest = split_subcommand(args)
    try:
        if subcommand in ("create", "run"):
            bundle = option_value(rest, "--bundle", "-b") or os.getcwd()
            strip_capability(os.path.join(bundle, "config.json"), lambda spec: spec.get("process"))
        elif subcommand == "exec":
            process_file = option_value(rest, "--process", "-p")
            if process_file:
                strip_capability(process_file, lambda process: process)
    except (OSError, ValueError) as error:
        # runc itself reports the unreadable file; the wrapper only says it could not help.
        print(f"runc-without-sys-resource: left {subcommand} unchanged: {error}", file=sys.stderr)
    os.execv(REAL_RUNC, [REAL_RUNC] + args)


if __name__ == "__main__":
    main()
