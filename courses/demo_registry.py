"""Where higher apps add to `setup_demo` without courses importing them (DESIGN.md, "Dependencies
between apps"). An app registers, from its `AppConfig.ready()`::

    demo_step_register("classroom", demo_classroom_ensure)

A step is called after the demo accounts and content exist, as `step(accounts=...)` with the
demo users by role ("admin", "editor", "teacher", "learner"); it must be idempotent (setup_demo
runs on every `make run`) and returns one line saying what it did."""

from collections.abc import Callable

DemoStep = Callable[..., str]

_steps: dict[str, DemoStep] = {}


def demo_step_register(name: str, step: DemoStep) -> DemoStep:
    if _steps.get(name, step) is not step:
        raise ValueError(f"Another demo step is already registered as {name!r}.")
    _steps[name] = step
    return step


def demo_steps() -> dict[str, DemoStep]:
    return dict(sorted(_steps.items()))
