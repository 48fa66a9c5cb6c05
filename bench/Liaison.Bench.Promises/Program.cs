using System.Diagnostics;
using Liaison.Core.Agreements;
using Liaison.Core.Calendars;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using NodaTime;

// A realistic mix: arrivals spread over a year, five zones (two with 30/45-minute offsets), e-mail,
// messengers and urgent messages, holidays and a vacation, check windows. One thread.
var zones = new[] { "Europe/Warsaw", "Europe/Sofia", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu" };
var schedules = zones.Select(zone => new PromiseSchedule(new Agreement
{
    ClientTimeZone = "Europe/Warsaw",
    Channels = new([ChannelKind.Email, ChannelKind.Telegram, ChannelKind.WhatsApp, ChannelKind.Phone], ChannelKind.Email),
}, new OurCalendar
{
    TimeZone = zone,
    WorkingHours = WeeklyHours.Weekdays(TimeOfDayRange.Of(9, 0, 13, 0), TimeOfDayRange.Of(14, 0, 18, 0)),
    CheckWindows = CheckWindows.Weekdays(new LocalTime(9, 0), new LocalTime(13, 0), new LocalTime(17, 30)),
    DaysOff =
    [
        new DayOff(new LocalDate(2000, 1, 1), EveryYear: true), new DayOff(new LocalDate(2000, 5, 1), EveryYear: true),
        new DayOff(new LocalDate(2000, 12, 24), new LocalDate(2000, 12, 26), EveryYear: true),
        new DayOff(new LocalDate(2025, 8, 4), new LocalDate(2025, 8, 15)), new DayOff(new LocalDate(2025, 11, 11)),
    ],
})).ToArray();

var channels = new[] { ChannelKind.Email, ChannelKind.Email, ChannelKind.Telegram, ChannelKind.WhatsApp, ChannelKind.Phone };
const int count = 1_000_000;
var random = new Random(42);
var start = Instant.FromUtc(2025, 1, 1, 0, 0).ToUnixTimeTicks();
var arrivals = new Instant[count];
var which = new int[count];
var kinds = new ChannelKind[count];
var urgencies = new Urgency[count];
for (var i = 0; i < count; i++)
{
    arrivals[i] = Instant.FromUnixTimeTicks(start + random.NextInt64(NodaConstants.TicksPerDay * 365));
    which[i] = random.Next(schedules.Length);
    kinds[i] = channels[random.Next(channels.Length)];
    urgencies[i] = random.Next(10) == 0 ? Urgency.Urgent : Urgency.Normal;
}

long checksum = 0;
var rates = new List<double>();
for (var run = 0; run < 7; run++)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
        checksum += schedules[which[i]].DueFor(arrivals[i], kinds[i], urgencies[i]).ToUnixTimeTicks() & 1;
    watch.Stop();
    var rate = count / watch.Elapsed.TotalSeconds;
    if (run > 0) rates.Add(rate); // the first run warms up the JIT
    Console.WriteLine($"run {run}: {rate:N0} promises/s");
}
rates.Sort();
Console.WriteLine($"median: {rates[rates.Count / 2]:N0} promise computations/s on one thread (checksum {checksum})");
