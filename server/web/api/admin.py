"""Admin routes: the site configuration, accounts, today's closures, the live overview
and the audit log. Admins change things; supervisors read (their own agency) and
close or reopen their agency's services and counters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import request

from server.core import auth, backup, closures, config_changes, login_throttle, overview, permissions
from server.core.auth import User
from server.core.config import PRINTER_TYPES
from server.core.config_file import Saved
from server.core.errors import RuleError, conflict
from server.core.events import ConfigChanged, PasswordReset, UserChanged, UserCreated
from server.core.osthread import off_loop
from server.core.store import read_only
from server.web import config_fields
from server.web.api import admin_schemas, schemas
from server.web.api.access import require
from server.web.api.base import api
from server.web.api.params import id_number, int_arg, parse_day, scope_agency
from server.web.api.registry import validated
from server.web.hall import Hall, current_hall

CONFIG_ERRORS = ((404, "unknown_section"), (404, "unknown_item"), (409, "config_changed"), (409, "in_use"),
                 (409, "config_read_only"), (422, "invalid_config"))


# --- configuration -----------------------------------------------------------------------------------


def _config_answer(data: dict[str, Any], version: str | None, path: Path | None) -> dict[str, Any]:
    answer = {"version": version, "editable": path is not None, "path": str(path) if path else None,
              "sections": config_changes.sections(data)}
    # The form's printer types come from the configuration's own table, never a copy in the page.
    answer["fields"] = config_fields.config_fields_json()
    answer["printer_types"] = [{"type": name, "label": kind.label, "label_en": kind.label_en, "needs": list(kind.needs)}
                               for name, kind in PRINTER_TYPES.items()]
    return answer


@api.route("/admin/config", "GET", summary="The editable sections of config.yaml.", tag="admin",
           response=admin_schemas.ConfigOut, auth="read_config",
           errors=((409, "config_read_only"), (422, "invalid_config")))
def get_config() -> dict[str, Any]:
    """Agencies and services, counters, kiosks, displays, printers, hours, running text, holidays, breaks."""
    hall = current_hall()
    file = hall.config_file
    if file is None:  # started without a file (tests, embedded): show what runs, read-only
        return _config_answer(hall.site.config.model_dump(mode="json", exclude_none=True), None, None)
    data, version = off_loop(file.read)  # a big site's YAML takes a good part of a second to read
    return _config_answer(data, version, file.path)


def _save(change: Callable[[dict[str, Any]], dict[str, Any]], body: admin_schemas.ConfigEdit, target: str,
          detail: dict[str, Any]) -> dict[str, Any]:
    """Apply a change to config.yaml, validate it, write it atomically, go live, audit it.

    Reading, changing, validating and writing the file (seconds for a big site) run in an
    OS thread with a read-only connection of their own for the in-use check; taking the
    new configuration into the running hall and telling every screen happen back here,
    on the loop, where the hall's state lives."""
    user = require("edit_config")
    hall = current_hall()
    file = hall.config_file
    if file is None:
        raise conflict("config_read_only", "This server was started without a config file, so changes cannot be "
                                           "saved; start it with --config.")
    now = hall.now()
    old, today, db_path = hall.site.config, hall.site.service_day(now), hall.store.path

    def check(new: Any) -> None:
        with read_only(db_path) as tx:
            problems = config_changes.in_use_problems(tx, old, new, today)
        if problems:
            raise conflict("in_use", "Not removed: " + "; ".join(problems) + ". Close it for today instead, "
                           "and remove it once its line is empty.")

    stamp = hall.site.local(now).strftime("%Y%m%d-%H%M%S")
    header = (f"# Antrean site configuration, saved from the admin pages by {user.username} at "
              f"{hall.site.iso(now)}.\n# The previous version is kept in the data folder's config-history/.\n"
              "# Every key is documented in docs/config.md.\n\n")
    saved = off_loop(lambda: file.save(change, expected_version=body.version, stamp=stamp, header=header,
                                       check=check))
    _go_live(hall, saved, now=now, actor=user.username, part=target, change=detail)
    return _config_answer(saved.data, saved.version, file.path)


def _go_live(hall: Hall, saved: Saved, *, now: float, actor: str, part: str, change: dict[str, Any]) -> None:
    """Swap the saved configuration into the running hall and say so (`ConfigChanged`): the
    audit row is written, and every screen hears (Socket.IO `config.updated` to every
    client, and every service's counts)."""
    hall.replace_config(saved.config, saved)  # and record its version, for the site's other processes
    with hall.store.write() as tx:
        tx.raise_event(ConfigChanged(at=now, actor=actor, address=request.remote_addr, part=part, change=change,
                                     version=saved.version, backup=saved.backup.name if saved.backup else None))


@api.route("/admin/config/<section>", "PUT", summary="Replace one section of the configuration.", tag="admin",
           body=admin_schemas.ConfigEdit, response=admin_schemas.ConfigOut, auth="edit_config", errors=CONFIG_ERRORS)
def put_config_section(section: str, body: admin_schemas.ConfigEdit) -> dict[str, Any]:
    """Validated like config.yaml; written back atomically (previous version kept); live at once."""
    if section == "services":
        raise RuleError("unknown_section", "Services live under agencies: PUT /admin/config/agencies, or "
                        "/admin/config/services/{service_id} for one service.")
    return _save(lambda data: config_changes.set_section(data, section, body.value), body, section,
                 {"section": section})


@api.route("/admin/config/<section>/<item_id>", "PUT", summary="Add or replace one item of a section.", tag="admin",
           body=admin_schemas.ConfigEdit, response=admin_schemas.ConfigOut, auth="edit_config", errors=CONFIG_ERRORS)
def put_config_item(section: str, item_id: str, body: admin_schemas.ConfigEdit) -> dict[str, Any]:
    """An agency, service (with agency_id), counter, kiosk, display or printer, by id."""
    detail = {"section": section, "item": item_id, "value": body.value}
    return _save(lambda data: config_changes.put_item(data, section, item_id, body.value), body,
                 f"{section}/{item_id}", detail)


@api.route("/admin/config/<section>/<item_id>", "DELETE", summary="Remove one item of a section.", tag="admin",
           response=admin_schemas.ConfigOut, auth="edit_config", errors=CONFIG_ERRORS,
           query=(("version", "The version you saw; refused with 409 if the file changed since.", False),))
def delete_config_item(section: str, item_id: str) -> dict[str, Any]:
    """Refused while the item is in use today (tickets in line, a visitor at the counter)."""
    body = validated(admin_schemas.ConfigEdit, {"version": request.args.get("version") or None})
    return _save(lambda data: config_changes.delete_item(data, section, item_id), body, f"{section}/{item_id}",
                 {"section": section, "item": item_id, "removed": True})


# --- accounts ---------------------------------------------------------------------------------------


@api.route("/admin/users", "GET", summary="Accounts (a supervisor sees their agency's).", tag="admin",
           response=admin_schemas.Users, auth="see_user")
def list_users() -> dict[str, Any]:
    """Every account with role, agency, counters, whether it is disabled, and until when it is
    locked after too many wrong passwords."""
    viewer = require("see_user")
    hall = current_hall()
    now = hall.now()
    with hall.store.read() as tx:
        users = [(u, login_throttle.locked_until(tx, u.username, now)) for u in auth.list_users(tx)]
    return {"users": [{**u.to_json(), "locked_until": hall.site.iso(until) if until else None}
                      for u, until in users if permissions.may(viewer, "see_user", permissions.account(hall.site, u))]}


@api.route("/admin/users", "POST", summary="Create an account.", tag="admin", body=admin_schemas.UserCreate, status=201,
           response=schemas.UserOut, auth="manage_users", errors=((409, "user_exists"),))
def create_user(body: admin_schemas.UserCreate) -> dict[str, Any]:
    """An officer needs counters, a supervisor an agency; the password at least 8 characters."""
    actor = require("manage_users")
    hall = current_hall()
    new = auth.NewUser(body.username, body.password, body.role, body.agency_id, body.counters, body.display_name)
    auth.validate_new_user(hall.site, new)
    password_hash = auth.hash_password(body.password)  # off the loop, before the transaction
    with hall.store.write() as tx:
        user = auth.create_user(tx, hall.site, new, hall.now(), password_hash=password_hash)
        tx.raise_event(UserCreated(at=hall.now(), actor=actor.username, address=request.remote_addr,
                                   username=user.username, role=user.role, agency_id=user.agency_id,
                                   counters=user.counters))
    return user.to_json()


def _user_or_404(tx: Any, username: str) -> User:
    user = auth.get_user(tx, username)
    if user is None:
        raise RuleError("unknown_user", f"There is no user {username!r}.")
    return user


@api.route("/admin/users/<username>", "PATCH", summary="Change an account: role, agency, counters, name, disabled.",
           tag="admin", body=admin_schemas.UserUpdate, response=schemas.UserOut, auth="manage_users",
           errors=((404, "unknown_user"), (409, "own_account")))
def update_user(username: str, body: admin_schemas.UserUpdate) -> dict[str, Any]:
    """Assign counters, change the role, or disable (sessions and tokens stop at once)."""
    actor = require("manage_users")
    hall = current_hall()
    changes = {key: getattr(body, key) for key in body.model_fields_set}
    if username == actor.username and (changes.get("disabled") or changes.get("role", "admin") != "admin"):
        raise conflict("own_account", "You cannot disable or demote your own account; ask another admin.")
    with hall.store.write() as tx:
        _user_or_404(tx, username)
        disabled = changes.pop("disabled", None)
        # null clears an agency or a name; for role and counters it means "unchanged".
        kept = {k: v for k, v in changes.items() if v is not None or k in ("agency_id", "display_name")}
        user = auth.update_user(tx, hall.site, username, kept)
        if disabled is not None:
            auth.set_disabled(tx, username, disabled)
            user = _user_or_404(tx, username)
        tx.raise_event(UserChanged(at=hall.now(), actor=actor.username, address=request.remote_addr,
                                   username=username, change={k: getattr(body, k) for k in body.model_fields_set}))
    return user.to_json()


@api.route("/admin/users/<username>/password", "POST", summary="Set a new password for an account.", tag="admin",
           body=admin_schemas.PasswordReset, response=schemas.UserOut, auth="manage_users",
           errors=((404, "unknown_user"),))
def reset_password(username: str, body: admin_schemas.PasswordReset) -> dict[str, Any]:
    """Every session and bearer token of the account ends at once; its owner logs in with the
    new password."""
    actor = require("manage_users")
    hall = current_hall()
    with hall.store.read() as tx:
        _user_or_404(tx, username)
    auth.check_new_password(body.password)
    password_hash = auth.hash_password(body.password)  # off the loop, before the transaction
    with hall.store.write() as tx:
        user = _user_or_404(tx, username)
        auth.set_password(tx, username, password_hash)
        tx.raise_event(PasswordReset(at=hall.now(), actor=actor.username, address=request.remote_addr,
                                     username=username))
    return user.to_json()


@api.route("/admin/users/<username>/unlock", "POST", summary="Lift the lockout after too many wrong passwords.",
           tag="admin", response=schemas.UserOut, auth="manage_users", errors=((404, "unknown_user"),))
def unlock_user(username: str) -> dict[str, Any]:
    """The account may log in at once, and its failed logins are forgotten (audited as
    `account_unlocked` when it was locked; unlocking an account that is not locked is fine)."""
    actor = require("manage_users")
    hall = current_hall()
    with hall.store.write() as tx:
        user = _user_or_404(tx, username)
        login_throttle.unlock(tx, username, actor.username, request.remote_addr, hall.now())
    return user.to_json()


# --- closures ---------------------------------------------------------------------------------------


@api.route("/admin/closures", "GET", summary="Services and counters closed on a day.", tag="admin",
           response=admin_schemas.Closures, auth="manage_closures", errors=((422, "invalid_request"),),
           query=(("date", "The service day, YYYY-MM-DD (default: today).", False),))
def list_closures() -> dict[str, Any]:
    """Active closures first, then lifted ones; a supervisor sees their agency's."""
    user = require("manage_closures")
    hall = current_hall()
    day = parse_day("date", hall.site.local(hall.now()).date()).isoformat()
    agency_id = permissions.agency_scope(user)
    with hall.store.read() as tx:
        return {"date": day, "closures": closures.list_day(tx, hall.site, day, agency_id)}


@api.route("/admin/closures", "POST", summary="Close a service or a counter for today, with a reason.", tag="admin",
           body=admin_schemas.ClosureCreate, status=201, response=admin_schemas.ClosureOut, auth="manage_closures",
           errors=((404, "unknown_service"), (404, "unknown_counter"), (409, "already_closed")))
def create_closure(body: admin_schemas.ClosureCreate) -> dict[str, Any]:
    """The kiosk shows the service closed with the reason; a closed counter cannot call."""
    hall = current_hall()
    agency = closures.agency_of_target(hall.site, body.kind, body.target_id)
    user = require("manage_closures", permissions.agency(agency))
    with hall.store.write() as tx:
        return closures.close(tx, hall.site, hall.now(), body.kind, body.target_id, body.reason, user.username,
                              request.remote_addr)


@api.route("/admin/closures/<closure_id>/reopen", "POST", summary="Reopen a closed service or counter.",
           tag="admin", response=admin_schemas.ClosureOut, auth="manage_closures",
           errors=((404, "unknown_closure"), (409, "already_reopened")))
def reopen_closure(closure_id: str) -> dict[str, Any]:
    """Lift a closure: the service takes tickets again, the counter can call."""
    user = require("manage_closures")
    hall = current_hall()
    number = id_number(closure_id)
    if number is None:
        raise RuleError("unknown_closure", f"There is no closure with id {closure_id[:20]!r}.")
    with hall.store.write() as tx:
        closure = closures.get(tx, hall.site, number)
        permissions.require(user, "manage_closures", permissions.agency(closure["agency_id"]))
        return closures.reopen(tx, hall.site, hall.now(), number, user.username, request.remote_addr)


# --- live overview and audit log ---------------------------------------------------------------------


@api.route("/admin/overview", "GET", summary="Live overview: lines, longest wait, counters, served vs usual.",
           tag="admin", response=admin_schemas.Overview, auth="see_overview", errors=((404, "unknown_agency"),),
           query=(("agency_id", "Only this agency (a supervisor always gets their own).", False),))
def get_overview() -> dict[str, Any]:
    """Waiting per service, the longest wait now, counters busy/idle/paused/closed, served today vs usual."""
    user = require("see_overview")
    hall = current_hall()
    agency_id = scope_agency(hall, user, "see_overview", request.args.get("agency_id") or None)
    # Every dashboard asks again at each change in the hall; "served vs usual" reads eight weeks.
    result: dict[str, Any] = hall.store.read_off_loop(overview.overview, hall.site, hall.now(), agency_id)
    return result


@api.route("/admin/backups", "GET", summary="The daily backups of the database, and why the last one failed.",
           tag="admin", response=admin_schemas.Backups, auth="read_backups")
def list_backups() -> dict[str, Any]:
    """Newest first; `problem` says why today's backup could not be made (until one is)."""
    require("read_backups")
    hall = current_hall()
    files = [(path.name, path.stat()) for path in backup.daily_backups(hall.backup_folder)]
    return {
        "keep": hall.site.config.server.backup_keep,
        "folder": str(hall.backup_folder),
        "backups": [
            {"name": name, "taken_at": hall.site.iso(stat.st_mtime), "size_bytes": stat.st_size}
            for name, stat in files
        ],
        "problem": hall.backup_problem,
    }


@api.route("/admin/sms", "GET", summary="Whether the \"near\" SMS go out through gammu-smsd, and why not.",
           tag="admin", response=admin_schemas.SmsStatus, auth="read_sms")
def sms_status() -> dict[str, Any]:
    """`state`: off (sms.enabled), no_outbox (the folders are missing or not writable), stalled
    (messages wait in the outbox: gammu-smsd is not running, or has no modem or signal), ok."""
    from server.web.sms_worker import SmsWorker

    require("read_sms")
    return SmsWorker(current_hall()).status()


AUDIT_QUERY = (
    ("q", "Text to look for in who, what, target, address or detail.", False),
    ("actor", "Only this user.", False),
    ("action", "Only this action (login, config_changed, called, transferred, ...).", False),
    ("from", "First day, YYYY-MM-DD (default: 7 days ago).", False),
    ("to", "Last day, YYYY-MM-DD (default: today).", False),
    ("tickets", "Include counter actions on tickets (calls, transfers, ...): 1 (default) or 0.", False),
    ("limit", "At most this many entries, newest first (default 200, at most 1000).", False),
)


@api.route("/admin/audit", "GET", summary="Search the audit log: who did what, when and from where.", tag="admin",
           response=admin_schemas.AuditLog, auth="read_audit", query=AUDIT_QUERY, errors=((422, "invalid_request"),))
def search_audit() -> dict[str, Any]:
    """Logins, configuration, account and closure changes, and counter actions on tickets."""
    from server.core import audit_search

    require("read_audit")
    hall = current_hall()
    today = hall.site.local(hall.now()).date()
    start = parse_day("from", today - timedelta(days=7))
    end = parse_day("to", today)
    search = audit_search.Search(
        start=start, end=end, text=(request.args.get("q") or "")[:100] or None,
        actor=request.args.get("actor") or None, action=request.args.get("action") or None,
        tickets=request.args.get("tickets", "1") != "0", limit=int_arg("limit", 200, 1, 1000),
    )
    # A month of a busy hall's history is millions of rows to compare: read in an OS thread.
    result: dict[str, Any] = hall.store.read_off_loop(audit_search.search, hall.site, search)
    return result
