"""The current network, and the two data-layer guards that key on it.

The network id lives in ``session.info["network_id"]`` of the SQLAlchemy session
(one session per request or job), never in a global.

1. ORM filter: every SELECT/UPDATE/DELETE through the ORM gets
   ``with_loader_criteria(NetworkOwned, network_id == current)``. With no current
   network it matches nothing. Opting out is explicit: the execution option
   ``all_networks=True``, or ``session.info["orm_filter"] = False`` (tests use it to
   prove RLS holds alone).
2. PostgreSQL RLS: ``app.network_id`` is set with ``set_config(..., true)`` (local to
   the transaction, so pooled connections never leak it) when a transaction begins.
INSERTs take their network_id from the session; writing into another network raises.
The three listeners are registered by create_app (init_app), never by importing this module.
"""
from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.orm import Session, scoped_session, with_loader_criteria

from .models.base import NetworkOwned

ALL_NETWORKS = "all_networks"


class CrossNetworkWrite(RuntimeError):
    pass


def network_id_of(session: Session) -> int | None:
    return session.info.get("network_id")


def use_network(session: Session, network_id: int | None) -> None:
    """Switch the session to a network. A transaction already open on PostgreSQL
    gets the new setting at once, so RLS and the ORM filter never disagree."""
    if isinstance(session, scoped_session):
        session = session()
    session.info["network_id"] = network_id
    if session.in_transaction():
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            _set_rls(connection, network_id)


def _set_rls(connection, network_id: int | None) -> None:
    connection.execute(
        text("SELECT set_config('app.network_id', :nid, true)"),
        {"nid": "" if network_id is None else str(network_id)},
    )


def _rls_on_begin(session, transaction, connection):
    if connection.dialect.name == "postgresql":
        _set_rls(connection, network_id_of(session))


def _network_filter(state):
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ALL_NETWORKS) or state.session.info.get("orm_filter") is False:
        return
    if state.is_select and (state.is_column_load or state.is_relationship_load):
        return  # the criteria already travel with the parent query's options
    # Read into a variable: the lambda may not call functions (SQLAlchemy caches it).
    nid = network_id_of(state.session)
    state.statement = state.statement.options(
        with_loader_criteria(NetworkOwned, lambda cls: cls.network_id == nid, include_aliases=True)
    )


def _stamp_network(session, flush_context, instances):
    nid = network_id_of(session)
    for obj in session.new:
        if not isinstance(obj, NetworkOwned):
            continue
        if obj.network_id is None:
            if nid is None:
                raise CrossNetworkWrite(f"no current network for new {type(obj).__name__}")
            obj.network_id = nid
        elif nid is not None and obj.network_id != nid:
            raise CrossNetworkWrite(f"{type(obj).__name__} of network {obj.network_id} written from {nid}")
    for obj in session.dirty:
        if isinstance(obj, NetworkOwned) and nid is not None and obj.network_id != nid:
            raise CrossNetworkWrite(f"{type(obj).__name__} of network {obj.network_id} changed from {nid}")


def listen_once(target, name: str, fn) -> None:
    """event.listen, unless fn already listens (create_app may run several times in a process)."""
    if not event.contains(target, name, fn):
        event.listen(target, name, fn)


def init_app(app) -> None:
    """The RLS setting per transaction, the ORM filter and the network stamp, on every Session."""
    listen_once(Session, "after_begin", _rls_on_begin)
    listen_once(Session, "do_orm_execute", _network_filter)
    listen_once(Session, "before_flush", _stamp_network)
