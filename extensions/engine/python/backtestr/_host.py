"""
The Python side of a strategy run: `python3 -I -c <boot> <sdk> backtestr._host <strategy.py>`, started
by the engine's strategy worker in a private temp folder with a clean environment. It confines
itself (_sandbox.py), then loads the strategy, answers with its declaration, then runs one
hook per event frame and answers each with the orders, logs and records the hook produced
(asking the engine for state it did not send along, e.g. `bars(n)`). Frames are
length-prefixed MessagePack both ways on fd 3 (a socket); print() goes to the run's log.
"""

import importlib.util
import os
import select
import sys
import threading
import traceback
from typing import Any, Dict, List, Optional

from ._sandbox import MAX_OPEN_FILES, confine, is_refusal
from ._wire import CODEC, Wire
from .context import Context, Instrument, Params
from .strategy import Strategy, StrategyDefinition
from .types import Bar, OrderEvent, Position

_SDK_DIR = os.path.dirname(os.path.abspath(__file__))


def _watch_engine(fd: int) -> None:
    """Exits when the engine's end of the pipe closes (its worker ended), even while a hook loops forever."""
    poller = select.poll()
    poller.register(fd, 0)  # hang-up and errors are always reported
    while True:
        for _, events in poller.poll():
            if events & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                os._exit(0)


class _LogWriter:
    """sys.stdout during hooks: each printed line becomes a log line of the run."""

    def __init__(self) -> None:
        self.ctx: Optional[Context] = None
        self.pending = ''

    def write(self, text: str) -> int:
        if self.ctx is None:
            sys.stderr.write(text)
            return len(text)
        self.pending += text
        while '\n' in self.pending:
            line, self.pending = self.pending.split('\n', 1)
            self.ctx.log(line)
        return len(text)

    def flush(self) -> None:
        if self.ctx is not None and self.pending:
            self.ctx.log(self.pending)
            self.pending = ''


def _error(error: BaseException, hook: str) -> Dict[str, Any]:
    """The exception as plain data: its user-file frames (SDK frames dropped), and the innermost user file and line."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not os.path.abspath(f.filename).startswith(_SDK_DIR + os.sep)
              and not f.filename.startswith('<frozen ')]
    file: Optional[str] = None
    line: Optional[int] = None
    if frames:
        file, line = frames[-1].filename, frames[-1].lineno
    if isinstance(error, SyntaxError) and error.filename:
        file, line = error.filename, error.lineno
    text = ''.join((['Traceback (most recent call last):\n'] + traceback.format_list(frames) if frames else [])
                   + traceback.format_exception_only(type(error), error))
    message = str(error)
    if is_refusal(error):
        message += (' (the strategy runs confined: it writes only in its working directory, a private temp folder, reads only its'
                    f' own folder and Python\'s, starts no process, opens no network connection, keeps at most {MAX_OPEN_FILES} files open'
                    ' and signals no other process; see the Python SDK README)')
    return {'type': type(error).__name__, 'message': message, 'traceback': text.rstrip('\n'), 'file': file, 'line': line, 'hook': hook}


def _load(file: str) -> StrategyDefinition:
    sys.path.insert(0, os.path.dirname(file))
    spec = importlib.util.spec_from_file_location('backtestr_strategy', file)
    if spec is None or spec.loader is None:
        raise ImportError(f'{file} cannot be loaded as a Python module.')
    module = importlib.util.module_from_spec(spec)
    sys.modules['backtestr_strategy'] = module
    spec.loader.exec_module(module)
    candidates: List[Any] = []
    chosen = getattr(module, 'strategy', None)
    if isinstance(chosen, StrategyDefinition) or isinstance(chosen, type) and issubclass(chosen, Strategy):
        candidates = [chosen]
    else:
        for value in vars(module).values():
            if isinstance(value, StrategyDefinition) or isinstance(value, type) and issubclass(value, Strategy) \
                    and value is not Strategy and value.__module__ == module.__name__:
                candidates.append(value)
    if len(candidates) != 1:
        found = 'none' if not candidates else f'{len(candidates)}'
        raise LookupError(f'{os.path.basename(file)} must define one strategy: `strategy = define_strategy(...)` or one subclass of '
                          f'backtestr.Strategy (found {found}); name it `strategy` to pick one.')
    found_one = candidates[0]
    return found_one if isinstance(found_one, StrategyDefinition) else found_one.definition()


def _limit_memory() -> None:
    """The run's memory budget (BACKTESTR_MEMORY_BUDGET_MIB) on top of what the interpreter uses at start: an
    address-space limit (RLIMIT_AS), so an allocation past it raises MemoryError in the hook that made it."""
    budget = os.environ.get('BACKTESTR_MEMORY_BUDGET_MIB')
    if not budget:
        return
    try:
        import resource
        with open('/proc/self/statm') as statm:
            start = int(statm.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')
    except (ImportError, OSError, ValueError):
        return  # no resource module or no /proc (not Linux): the budget is not enforced for Python here
    limit = start + int(budget) * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> None:
    fd = 3  # the engine's socket, both ways
    _limit_memory()
    os.dup2(2, 1)  # output written to fd 1 (by C code too) goes to stderr
    file = os.path.abspath(sys.argv[1])
    # Before the strategy is imported and before any thread starts (Landlock and seccomp bind the calling thread and
    # those it starts later): what could not be enforced goes to the run's log.
    sandbox_notes, _ = confine(file, os.path.dirname(_SDK_DIR))
    if hasattr(select, 'poll'):
        threading.Thread(target=_watch_engine, args=(fd,), daemon=True, name='backtestr-watch').start()
    wire = Wire(fd, fd)
    out = _LogWriter()
    sys.stdout = out  # type: ignore[assignment]
    try:
        definition = _load(file)
    except BaseException as error:  # noqa: B036 - anything the user's module raises, SystemExit included
        wire.write([2, _error(error, 'loading')])
        return

    def ask(key: str) -> Any:
        wire.write([1, key])
        answer = wire.read()
        if 'x' in answer:
            raise ValueError(answer['x'])
        return answer['a']

    ctx = Context(ask)
    out.ctx = ctx
    hooks = definition.hooks
    wire.write([3, definition.describe(), CODEC, sandbox_notes])
    while True:
        try:
            msg = wire.read()
        except EOFError:
            return
        event = msg['e']
        if event == 'bye':
            return
        ctx.time = msg['t']
        ctx.position = Position(*msg['pos'])
        ctx._cache = msg['pre']
        ops = ctx._ops = []
        hook = ''
        try:
            if event == 'bar':
                hook = 'on_bar_close'
                hooks[hook](ctx, Bar(*msg['bar']), msg['tf'])
            elif event == 'tick':
                hook = 'on_tick'
                hooks[hook](ctx)
            elif event == 'fill' or event == 'order':
                hook = 'on_fill' if event == 'fill' else 'on_order_event'
                hooks[hook](ctx, OrderEvent(*msg['ev']))
            elif event == 'start':
                ctx.params = Params(msg['params'])
                ctx.instrument = Instrument(*msg['inst'])
                hook = 'on_start'
                if hook in hooks:
                    hooks[hook](ctx)
            elif event == 'stop':
                hook = 'on_stop'
                if hook in hooks:
                    hooks[hook](ctx)
            out.flush()
        except BaseException as error:  # noqa: B036
            wire.write([2, _error(error, hook)])
            continue
        wire.write([0, ops])
        if event == 'stop':
            return


if __name__ == '__main__':
    main()
