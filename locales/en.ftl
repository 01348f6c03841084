# What the scheduler and the chat bot say, in English. Every message here
# has its twin in ko.ftl (a test checks). Times and dates come formatted.

## Directions

start = start
stop = stop
none = None

## Scheduler messages

starting = [{ $schedule }] Starting { $groups } (wave { $wave } of { $total })
starting-ready-by = [{ $schedule }] Starting { $groups } (wave { $wave } of { $total }): starts { $starts } to be ready at { $ready }
stopping = [{ $schedule }] Stopping { $groups } (wave { $wave } of { $total })
# The field title over a group's servers: "api · 2 EC2".
group-servers = { $group } · { $count } { $kind }
servers = { $count ->
    [one] 1 server
   *[other] { $count } servers
}
warning = [{ $schedule }] { $servers } stop at { $at } { $zone } (in { $minutes } min)
warning-running = Running
warning-held = Held up
warning-held-line = { $server } until { $until }
warning-in-chat = Postpone in chat
warning-cli = Postpone with schedctl
warning-item = Or add to the ScheduleException table
warning-week = The week
postpone-button = Postpone 1 hour
configuration = configuration
config-error = [{ $who }] Configuration error
config-error-field = Error
config-fixed = [{ $who }] Configuration errors fixed
stalled = [{ $who }] The { $direction } did not finish in time and was given up
stalled-waiting = Waiting for
ungrouped = [{ $who }] { $servers } tagged { $key }={ $tag } name no group of this schedule: they form the group "ungrouped", started last and stopped first
ungrouped-field = Servers
wait-moving = { $group }: { $server } is { $state }
wait-sent = { $group }: { $server } was sent { $direction } and is still { $state }
wait-blocked-start = { $group } waits for { $blockers } to be up
wait-blocked-stop = { $group } waits for { $blockers } to stop
wait-retrying = { $group }: { $server } could not { $direction } ({ $code }); it is tried again
wait-given-up = { $group }: { $server } could not { $direction } ({ $code }); given up
wait-held = { $group }: { $server } is held up until { $until }
wait-not-ready = { $group } is up, not ready yet ({ $check }: { $said })
not-ready = [{ $who }] { $group } was not ready after { $minutes } minutes; the next waves start without it
not-ready-check = Ready check
not-ready-said = Last answer
late = [{ $who }] Ready { $minutes } min after { $ready }, the time it was to be ready by; the next start begins earlier
starts-ready-by = starts { $starts } to be ready at { $ready }
ready-at = to be ready at { $ready }
could-not = [{ $schedule }] Could not { $direction } { $server } ({ $group })
could-not-many = [{ $schedule }] Could not { $direction } { $count } servers ({ $group })
still-failing = [{ $schedule }] Could not { $direction } { $server } ({ $group }) after { $tries } tries
force-start-not-reset = [{ $schedule }] Could not reset ForceStart
calendar-failing = Holiday calendar { $url } could not be fetched; the copy of { $since } is used meanwhile
calendar-never-loaded = Holiday calendar { $url } could not be fetched and has never loaded: its schedules wait for it
calendar-recovered = Holiday calendar { $url } is fetched again
pass-failed = Scheduler pass failed: no servers were started or stopped
pass-recovered = Scheduler passes run again
state-not-saved = [{ $schedule }] Could not save the scheduler's state; this schedule waits for the next pass
weekly-report = Weekly report: hours running and saved since { $since }
weekly-line = { $servers }: { $running } h running, { $stopped } h stopped by the scheduler, saving { $saving }
weekly-total = Total saving

## Chat bot

help =
    Commands: status [SCHEDULE] | extend SCHEDULE HH:MM (alias postpone) | skip SCHEDULE [YYYY-MM-DD] | start SCHEDULE | stop SCHEDULE | exceptions SCHEDULE [YYYY-MM-DD] | cancel SCHEDULE [YYYY-MM-DD] start|stop | help.
    The original order works too: SCHEDULE status|s, SCHEDULE info|i [DATE], SCHEDULE exception|e info|set|del ..., SCHEDULE force_start, SCHEDULE force_stop.
not-allowed = Sorry, you are not allowed to change schedules from chat.
tables-unreachable = Could not reach the schedule tables ({ $code }); nothing was changed.
fleet-unreachable = Could not read the servers ({ $code }).
schedule-disabled-by-errors = Schedule { $schedule } is disabled by configuration errors (see schedctl validate).
no-such-schedule = There is no schedule named { $schedule }.
no-schedules = No schedules.
status-line = [{ $schedule }] { $running } running, { $stopped } stopped; next start { $start }, next stop { $stop } ({ $zone }){ $disabled }
status-disabled = ; disabled
status-none = none
status-servers = [{ $schedule }] { $servers }: { $running } running, { $stopped } stopped
status-wave = Wave { $wave }: { $group }
status-no-servers = (no servers)
status-held = , held up until { $until }
status-target-counts = { $running } running, { $stopped } stopped
status-from-targets = Counted across { $targets } targets as their passes last recorded them (the oldest record: { $oldest } { $zone }).
stop-moved = [{ $schedule }] Stop moved to { $at } by { $who }
stop-postponed = [{ $schedule }] Stop postponed to { $at } by { $who }
no-start-on = [{ $schedule }] No start on { $day }, by { $who }
start-requested = [{ $schedule }] Start requested by { $who }: its servers start now, in order
stop-requested = [{ $schedule }] Stop requested by { $who }: its servers stop now, in reverse order
request-not-sent = The request could not reach the scheduler ({ $code }); the next pass acts on it.
day-times = [{ $schedule }] { $day }: start { $start }, stop { $stop } ({ $zone })
no-exceptions = No exceptions.
info-title = [{ $schedule }] Schedule for { $day }
info-enabled = Enabled: { $enabled }
info-days = DaysActive: { $days }
info-start = Start Time: { $start }
info-stop = Stop Time: { $stop }
info-exceptions = Exceptions: { $list }
info-holiday = Holiday: { $name }
exception-removed = [{ $schedule }] { $what } exception on { $day } removed by { $who }
exception-all = all
no-such-exception = [{ $schedule }] There is no such exception on { $day }.
exception-set = [{ $schedule }] { $kind } on { $day } set to { $value } by { $who }
day-in-past = { $day } is in the past.
time-past = { $time } is already past in { $zone } ({ $now } now)
no-stop-to-postpone = [{ $schedule }] has no stop on { $day } to postpone.
button-bad = The button's value is not SCHEDULE|DATE|TIME.
button-stale = This button was for the stop of { $day }; it is too late to postpone that one.
button-done = [{ $schedule }] The stop is already at { $at }.
missing-schedule = a schedule name is missing
missing-time = a time HH:MM is missing
missing-time-or-none = a time H:MM or None is missing
missing-date = a date YYYY-MM-DD is missing
missing-kind = start or stop is missing
time-not-none = a time HH:MM is needed, not None
bad-time = { $word } is not a time HH:MM (00:00-23:59) or None
bad-date = { $word } is not a date YYYY-MM-DD
bad-kind = { $word } is not start or stop
cancel-which = say which to cancel: start or stop
plan-link = The week's plan: { $url }
