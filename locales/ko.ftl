# 스케쥴러와 채팅 봇이 하는 말 (한국어). en.ftl의 모든 메시지가 여기에도
# 있어야 합니다 (테스트가 확인합니다).

## 방향

start = 시작
stop = 중지
none = 없음

## 스케쥴러 메시지

starting = [{ $schedule }] { $groups } 서버 그룹을 시작합니다 ({ $total }단계 중 { $wave }단계)
starting-ready-by = [{ $schedule }] { $groups } 서버 그룹을 시작합니다 ({ $total }단계 중 { $wave }단계): { $ready }까지 준비되도록 { $starts }에 시작
stopping = [{ $schedule }] { $groups } 서버 그룹을 중지합니다 ({ $total }단계 중 { $wave }단계)
group-servers = { $group } · { $kind } { $count }대
servers = 서버 { $count }대
warning = [{ $schedule }] 잠시 후 { $at } ({ $zone })에 { $servers }가 중지됩니다 ({ $minutes }분 남음)
warning-running = 실행 중인 서버
warning-held = 유지 중인 서버
warning-held-line = { $server }: { $until }까지 유지
warning-in-chat = 채팅으로 연장
warning-cli = schedctl로 연장
warning-item = 또는 ScheduleException 테이블에 추가
warning-week = 이번 주 계획
postpone-button = 1시간 연장
configuration = 설정
config-error = [{ $who }] 설정 오류
config-error-field = 오류
config-fixed = [{ $who }] 설정 오류가 해결되었습니다
stalled = [{ $who }] { $direction } 작업이 제한 시간 안에 끝나지 않아 중단했습니다
stalled-waiting = 기다리던 것
ungrouped = [{ $who }] { $key }={ $tag } 태그가 있지만 이 스케쥴의 그룹을 지정하지 않은 { $servers }는 "ungrouped" 그룹으로 묶어 마지막에 시작하고 먼저 중지합니다
ungrouped-field = 서버
wait-moving = { $group }: { $server } 상태가 { $state }입니다
wait-sent = { $group }: { $server }에 { $direction } 명령을 보냈지만 아직 { $state }입니다
wait-blocked-start = { $group } 그룹은 { $blockers } 시작을 기다립니다
wait-blocked-stop = { $group } 그룹은 { $blockers } 중지를 기다립니다
wait-retrying = { $group }: { $server } 서버를 { $direction }하지 못했습니다 ({ $code }). 다시 시도합니다
wait-given-up = { $group }: { $server } 서버를 { $direction }하지 못했습니다 ({ $code }). 더 시도하지 않습니다
wait-held = { $group }: { $server } 서버는 { $until }까지 유지됩니다
wait-not-ready = { $group } 그룹은 켜졌지만 아직 준비되지 않았습니다 ({ $check }: { $said })
not-ready = [{ $who }] { $group } 그룹이 { $minutes }분 안에 준비되지 않아 다음 단계를 먼저 시작합니다
not-ready-check = 준비 확인
not-ready-said = 마지막 응답
late = [{ $who }] 준비 목표 시각 { $ready }보다 { $minutes }분 늦게 준비되었습니다. 다음 시작은 더 일찍 합니다
starts-ready-by = { $ready }까지 준비되도록 { $starts }에 시작
ready-at = { $ready }까지 준비
could-not = [{ $schedule }] { $server } ({ $group }) 서버를 { $direction }하지 못했습니다
could-not-many = [{ $schedule }] 서버 { $count }대 ({ $group })를 { $direction }하지 못했습니다
still-failing = [{ $schedule }] { $tries }번 시도했지만 { $server } ({ $group }) 서버를 { $direction }하지 못했습니다
force-start-not-reset = [{ $schedule }] ForceStart를 false로 되돌리지 못했습니다
calendar-failing = 공휴일 달력 { $url }을(를) 가져오지 못했습니다. 그동안 { $since } 사본을 씁니다
calendar-never-loaded = 공휴일 달력 { $url }을(를) 가져오지 못했고 한 번도 읽은 적이 없습니다. 이 달력을 쓰는 스케쥴은 기다립니다
calendar-recovered = 공휴일 달력 { $url }을(를) 다시 가져왔습니다
pass-failed = 스케쥴러 실행 실패: 아무 서버도 시작하거나 중지하지 않았습니다
pass-recovered = 스케쥴러가 다시 정상적으로 실행됩니다
state-not-saved = [{ $schedule }] 스케쥴러 상태를 저장하지 못했습니다. 이 스케쥴은 다음 실행을 기다립니다
weekly-report = 주간 보고: { $since } 이후 실행 시간과 절약 시간
weekly-line = { $servers }: 실행 { $running }시간, 스케쥴러가 중지 { $stopped }시간, 절약 { $saving }
weekly-total = 총 절약

## 채팅 봇

help =
    명령어: status [스케쥴명] | extend 스케쥴명 HH:MM (postpone도 가능) | skip 스케쥴명 [YYYY-MM-DD] | start 스케쥴명 | stop 스케쥴명 | exceptions 스케쥴명 [YYYY-MM-DD] | cancel 스케쥴명 [YYYY-MM-DD] start|stop | help.
    기존 순서도 됩니다: 스케쥴명 status|s, 스케쥴명 info|i [날짜], 스케쥴명 exception|e info|set|del ..., 스케쥴명 force_start, 스케쥴명 force_stop.
not-allowed = 죄송합니다. 채팅으로 스케쥴을 바꿀 권한이 없습니다.
tables-unreachable = 스케쥴 테이블에 접근하지 못했습니다 ({ $code }). 아무것도 바꾸지 않았습니다.
fleet-unreachable = 서버 상태를 읽지 못했습니다 ({ $code }).
schedule-disabled-by-errors = { $schedule } 스케쥴은 설정 오류로 꺼져 있습니다 (schedctl validate 참고).
no-such-schedule = { $schedule } 이라는 스케쥴이 없습니다.
no-schedules = 스케쥴이 없습니다.
status-line = [{ $schedule }] 실행 { $running }대, 중지 { $stopped }대; 다음 시작 { $start }, 다음 중지 { $stop } ({ $zone }){ $disabled }
status-disabled = ; 꺼짐
status-none = 없음
status-servers = [{ $schedule }] { $servers }: 실행 { $running }대, 중지 { $stopped }대
status-wave = { $wave }단계: { $group }
status-no-servers = (서버 없음)
status-held = , { $until }까지 유지
status-target-counts = 실행 { $running }대, 중지 { $stopped }대
status-from-targets = 대상 { $targets }곳의 실행이 마지막으로 기록한 기준입니다 (가장 오래된 기록: { $oldest } { $zone }).
stop-moved = [{ $schedule }] { $who }님이 중지 시간을 { $at }(으)로 옮겼습니다
stop-postponed = [{ $schedule }] { $who }님이 중지 시간을 { $at }(으)로 연장했습니다
no-start-on = [{ $schedule }] { $who }님이 { $day }에는 시작하지 않도록 했습니다
start-requested = [{ $schedule }] { $who }님의 요청으로 지금 서버를 순서대로 시작합니다
stop-requested = [{ $schedule }] { $who }님의 요청으로 지금 서버를 역순으로 중지합니다
request-not-sent = 스케쥴러에 요청을 전달하지 못했습니다 ({ $code }). 다음 실행 때 처리합니다.
day-times = [{ $schedule }] { $day }: 시작 { $start }, 중지 { $stop } ({ $zone })
no-exceptions = 예외가 없습니다.
info-title = [{ $schedule }] { $day } 스케쥴 정보
info-enabled = Enabled: { $enabled }
info-days = DaysActive: { $days }
info-start = 시작 시간: { $start }
info-stop = 중지 시간: { $stop }
info-exceptions = 예외: { $list }
info-holiday = 공휴일: { $name }
exception-removed = [{ $schedule }] { $who }님이 { $day }의 { $what } 예외를 삭제했습니다
exception-all = 모든
no-such-exception = [{ $schedule }] { $day }에 그런 예외가 없습니다.
exception-set = [{ $schedule }] { $who }님이 { $day }의 { $kind } 시간을 { $value }(으)로 설정했습니다
day-in-past = { $day }은(는) 이미 지난 날짜입니다.
time-past = { $time }은(는) { $zone } 기준으로 이미 지났습니다 (지금 { $now })
no-stop-to-postpone = [{ $schedule }] { $day }에는 연장할 중지 시간이 없습니다.
button-bad = 버튼 값이 SCHEDULE|DATE|TIME 형식이 아닙니다.
button-stale = 이 버튼은 { $day }의 중지를 위한 것이라 이제 연장할 수 없습니다.
button-done = [{ $schedule }] 중지 시간은 이미 { $at }입니다.
missing-schedule = 스케쥴명이 없습니다
missing-time = 시간(HH:MM)이 없습니다
missing-time-or-none = 시간(H:MM) 또는 None이 없습니다
missing-date = 날짜(YYYY-MM-DD)가 없습니다
missing-kind = start 또는 stop이 없습니다
time-not-none = None이 아닌 시간(HH:MM)이 필요합니다
bad-time = { $word }은(는) 올바른 시간(00:00-23:59) 또는 None이 아닙니다
bad-date = { $word }은(는) 올바른 날짜(YYYY-MM-DD)가 아닙니다
bad-kind = { $word }은(는) start 또는 stop이 아닙니다
cancel-which = 취소할 것을 말해 주세요: start 또는 stop
plan-link = 이번 주 계획: { $url }
