using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Conversations;
using Liaison.Core.Messages;
using Liaison.Core.Notes;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Bench;

/// <summary>
/// Fills a Liaison database with realistic data: clients and contacts with names in English, Polish,
/// Russian and Bulgarian, e-mail/Telegram/WhatsApp/Viber identities, messages of realistic lengths in
/// those languages spread over a year, and notes. Deterministic for a seed. Reused by later benchmarks.
/// </summary>
public sealed class DataGenerator(int seed = 42)
{
    private readonly Random random = new(seed);

    public sealed record Shape(int Clients, int Messages, int NotesPerClient, int BigClientMessages);

    public sealed record Result(long BigClientId, int Clients, int Messages, int Notes);

    internal static readonly string[][] FirstNames =
    [
        ["Anna", "John", "Emily", "Michael", "Sarah", "David"],
        ["Żaneta", "Łukasz", "Małgorzata", "Paweł", "Agnieszka", "Grzegorz"],
        ["Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Екатерина"],
        ["Георги", "Мария", "Димитър", "Елена", "Никола", "Цветелина"],
    ];

    internal static readonly string[][] LastNames =
    [
        ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke"],
        ["Kowalska", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"],
        ["Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева"],
        ["Иванов", "Георгиева", "Димитров", "Петрова", "Николов", "Стоянова"],
    ];

    private static readonly string[] Companies = ["Studio", "Sp. z o.o.", "ООО", "ЕООД", "Ltd", "S.A.", "Group", "Consulting"];

    internal static readonly string[][] Sentences =
    [
        [
            "Could you send me the updated mockups by Friday?", "Thanks, that looks great.", "I have a question about the invoice.",
            "Let's move the call to Tuesday afternoon.", "The client approved the second version of the logo.",
            "We still need the texts for the About page.", "Please check the attached contract and let me know.",
            "Is it possible to add one more language to the shop?", "The payment was sent yesterday.",
        ],
        [
            "Czy możesz przesłać poprawione makiety do piątku?", "Dziękuję, wygląda świetnie.", "Mam pytanie dotyczące faktury.",
            "Przełóżmy rozmowę na wtorek po południu.", "Klient zaakceptował drugą wersję logo.",
            "Nadal potrzebujemy tekstów na stronę O nas.", "Proszę sprawdzić umowę w załączniku i dać znać.",
            "Czy da się dodać jeszcze jeden język do sklepu?", "Przelew wysłałam wczoraj.",
        ],
        [
            "Можете прислать обновлённые макеты до пятницы?", "Спасибо, выглядит отлично.", "У меня вопрос по счёту.",
            "Давайте перенесём созвон на вторник после обеда.", "Клиент утвердил второй вариант логотипа.",
            "Нам всё ещё нужны тексты для страницы «О нас».", "Посмотрите, пожалуйста, договор во вложении.",
            "Можно ли добавить в магазин ещё один язык?", "Оплату отправили вчера.",
        ],
        [
            "Може ли да изпратите обновените макети до петък?", "Благодаря, изглежда чудесно.", "Имам въпрос относно фактурата.",
            "Да преместим разговора за вторник следобед.", "Клиентът одобри втория вариант на логото.",
            "Все още ни трябват текстовете за страницата „За нас“.", "Моля, прегледайте договора в прикачения файл.",
            "Възможно ли е да добавим още един език в магазина?", "Плащането беше изпратено вчера.",
        ],
    ];

    private static readonly ChannelKind[] MessageChannels = [ChannelKind.Email, ChannelKind.Email, ChannelKind.Telegram, ChannelKind.WhatsApp, ChannelKind.Viber];

    /// <summary>Writes the shape into <paramref name="db"/>, whose workspace must exist (the server's setup made it).</summary>
    public async Task<Result> FillAsync(LiaisonDb db, Shape shape, Instant now, Action<string>? progress = null)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var workspaceId = await db.Workspaces.OrderBy(w => w.Id).Select(w => w.Id).FirstAsync();
        var start = now - Duration.FromDays(365);
        // Generated history is an import's: every message has a channel.
        var channelId = await Liaison.Server.Features.Channels.HistoryChannels.ForSourceAsync(db, workspaceId, ChannelKind.Import, "Benchmark data", now, CancellationToken.None);

        var clients = new List<(Client Client, Contact Contact, int Language, ChannelKind[] Kinds)>();
        for (var i = 0; i < shape.Clients; i++)
        {
            var language = i % 4;
            var person = $"{Pick(FirstNames[language])} {Pick(LastNames[language])}";
            var client = new Client(workspaceId, i % 3 == 0 ? $"{Pick(LastNames[language])} {Pick(Companies)} {i}" : $"{person} {i}", i % 5 == 0 ? "Website and shop" : null, start);
            clients.Add((client, null!, language, []));
        }
        db.Clients.AddRange(clients.Select(c => c.Client));
        await db.SaveChangesAsync();

        for (var i = 0; i < clients.Count; i++)
        {
            var (client, _, language, _) = clients[i];
            var contact = new Contact(client.Id, $"{Pick(FirstNames[language])} {Pick(LastNames[language])}", null, start);
            contact.AddIdentity(ChannelKind.Email, $"contact{i}@client{i}.example.com", null, start);
            contact.AddIdentity(ChannelKind.Telegram, (100000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture), null, start);
            contact.AddIdentity(ChannelKind.WhatsApp, $"+48600{i:000000}", null, start);
            contact.AddIdentity(ChannelKind.Viber, $"+48600{i:000000}", null, start);
            clients[i] = (client, contact, language, MessageChannels);
            db.Contacts.Add(contact);
        }
        await db.SaveChangesAsync();

        // One conversation per client and channel kind keeps the shape simple and realistic enough for paging.
        var conversations = new Dictionary<(long, ChannelKind), Conversation>();
        foreach (var (client, contact, _, kinds) in clients)
            foreach (var kind in kinds.Distinct())
            {
                var conversation = new Conversation(client.Id, kind, $"{kind.Value}:{contact.Identities.First(x => x.Kind == (kind == ChannelKind.Email ? ChannelKind.Email : kind)).Address}", kind == ChannelKind.Email ? "Project" : null, start);
                conversations[(client.Id, kind)] = conversation;
                db.Conversations.Add(conversation);
            }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        // The big client gets enough history for a 200th page of 50; the rest is spread evenly.
        var perClient = new int[clients.Count];
        perClient[0] = Math.Min(shape.BigClientMessages, shape.Messages);
        var remaining = shape.Messages - perClient[0];
        for (var i = 1; i < clients.Count; i++) perClient[i] = remaining / (clients.Count - 1) + (i <= remaining % (clients.Count - 1) ? 1 : 0);

        var written = 0;
        var batch = new List<Message>(5000);
        var lastActivity = new Instant[clients.Count];
        for (var i = 0; i < clients.Count; i++)
        {
            var (client, contact, language, kinds) = clients[i];
            for (var m = 0; m < perClient[i]; m++)
            {
                var kind = kinds[random.Next(kinds.Length)];
                var at = start + Duration.FromSeconds(random.NextInt64(0, 365L * 24 * 3600));
                var inbound = random.Next(10) < 6;
                var address = contact.Identities.First(x => x.Kind == kind).Address;
                var message = new Message(kind, inbound ? MessageDirection.Inbound : MessageDirection.Outbound, address, Text(language, kind), at, at, channelId,
                    subject: kind == ChannelKind.Email ? "Project" : null);
                message.PlaceWith(client.Id, contact.Id, conversations[(client.Id, kind)].Id);
                if (lastActivity[i] < at) lastActivity[i] = at;
                batch.Add(message);
                if (batch.Count == batch.Capacity) written += await Flush(db, batch, progress, written);
            }
        }
        written += await Flush(db, batch, progress, written);

        var notes = new List<Note>();
        foreach (var (client, _, language, _) in clients)
            for (var n = 0; n < shape.NotesPerClient; n++)
            {
                var at = start + Duration.FromSeconds(random.NextInt64(0, 365L * 24 * 3600));
                notes.Add(new Note(client.Id, n % 2 == 0 ? NoteKind.Call : NoteKind.Fragment, n % 2 == 0 ? ChannelKind.Phone : ChannelKind.Viber, Text(language, ChannelKind.Phone), at, at, null));
            }
        db.Notes.AddRange(notes);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        for (var i = 0; i < clients.Count; i++)
        {
            var id = clients[i].Client.Id;
            var last = lastActivity[i];
            await db.Clients.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastActivityAt, last));
        }
        return new Result(clients[0].Client.Id, clients.Count, written, notes.Count);
    }

    private static async Task<int> Flush(LiaisonDb db, List<Message> batch, Action<string>? progress, int before)
    {
        if (batch.Count == 0) return 0;
        db.Messages.AddRange(batch);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var count = batch.Count;
        batch.Clear();
        progress?.Invoke($"  {before + count:N0} messages");
        return count;
    }

    /// <summary>Messenger lines are short; e-mails run to several paragraphs, as they do.</summary>
    private string Text(int language, ChannelKind kind)
    {
        var sentences = kind == ChannelKind.Email ? random.Next(3, 25) : random.Next(1, 4);
        var parts = new string[sentences];
        for (var i = 0; i < sentences; i++) parts[i] = Pick(Sentences[language]);
        return string.Join(kind == ChannelKind.Email && sentences > 6 ? "\n\n" : " ", parts);
    }

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
