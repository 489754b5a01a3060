package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/app"
	"involve/internal/discussions"
	"involve/internal/groups"
)

// The discussions demo: an open peer forum with threads of realistic
// length in English, Dutch and Russian (one of them 300 posts long), and a
// thread or two in each demo group, in a language the group speaks. Old
// posts come in through Import (with their own times, notifying nobody);
// a few replies at the end go through Reply, so that mentions, follows
// and unread markers show.

// line is one post of a scripted thread: who writes it and what. In the
// forum who is a handle; in a group it is the position of a member in the
// group's member list ("0", "1", …), since groups are made elsewhere.
type line struct{ who, text string }

type script struct {
	title, lang string
	daysAgo     int      // when it started
	days        int      // how many days it ran; 0 for a week
	topics      []string // group topics it suits best
	lines       []line
}

// forumPeers are more peers who take part in the forum, so threads have
// the many voices real ones do. They sign in like every demo account.
var forumPeers = []struct{ handle, name, lang string }{
	{"river", "River", "en"},
	{"nadia_p", "Nadia", "nl"},
	{"pim", "Pim", "nl"},
	{"olga_v", "Olga", "ru"},
	{"dee-j", "Dee", "en"},
	{"marek", "Marek", "ru"},
}

var forumScripts = []script{
	{title: "Welcome to the peer forum: please read this first", lang: "en", daysAgo: 70, days: 20, lines: []line{
		{"ola-moderator", "Welcome! This forum is for peers: people with lived experience of drug use, HIV, mental-health services, housing or migration services, and anyone who works alongside them.\n\nA few things that keep this place safe:\n\n- Use a handle, not your real name, unless you want to.\n- **Never out anyone.** No names, photos or places that others did not choose to share.\n- No buying or selling.\n- Nobody here judges anyone's drug use or health.\n\nIf a post breaks the rules, report it and one of us will look at it. We always say why we hide something."},
		{"mira", "Thank you for setting this up. Good to have a place that is ours."},
		{"sasha_k", "Спасибо! Можно писать и по-русски? / Can we write in Russian too?"},
		{"ola-moderator", "Yes, of course. Write in the language you are comfortable in, and choose it when you start a discussion, so that search and screen readers get it right."},
	}},
	{title: "Finding a venue that feels safe", lang: "en", daysAgo: 41, days: 35, lines: []line{
		{"jo-peer", "Our group has met in a café for three months but it is getting too busy and people do not feel free to talk. We are about ten people.\n\nWhat do you look for in a venue? And where did you find one that did not cost money?"},
		{"tomas", "For us the most important thing was a door we can close. Second: not right next to the service, because some people do not want to be seen going in."},
		{"mira", "Step-free access. We lost two members because our old room was up a flight of stairs and nobody thought about it."},
		{"river", "Libraries! Most libraries in our city have meeting rooms you can book for free if you are a non-profit group. You do not even need to be registered, just a contact person."},
		{"jo-peer", "@river did they ask what the group was about? That is my worry."},
		{"river", "They asked for a name for the booking. We said \"peer support group\" and that was enough."},
		{"dee-j", "Community centres are good too. Ours lets us use the kitchen, which matters when people come straight from work or have not eaten."},
		{"nadia_p", "We asked the harm reduction service to let us use their room in the evening, after closing. It works, but it is still *their* building. Some people never feel fully at ease there."},
		{"lena-harbour", "Speaking as staff at a service: if you ask us, we will usually say yes. Ask for a key or a fixed evening, so you do not depend on one person being there."},
		{"mira", "That is a good point about the key. We had to cancel twice because the caretaker forgot."},
		{"tomas", "Also think about the way home. Is there a bus late in the evening? Is the street well lit?"},
		{"pim", "And toilets. Sounds silly but it is the first thing people ask."},
		{"jo-peer", "This is all really helpful. I am making a list:\n\n1. door that closes\n2. not next to the service\n3. step-free\n4. free or cheap\n5. kitchen or at least tea\n6. toilets\n7. bus home"},
		{"olga_v", "Мы в Риге встречаемся в помещении церковной общины. Бесплатно, никто не задаёт вопросов. Главное — договориться о времени заранее."},
		{"marek", "Olga says: they meet in a church community room in Riga, free, no questions asked, just book the time early. Same for us in Daugavpils."},
		{"dee-j", "Careful with church rooms if you have members who are LGBTQ+ and had bad experiences. Ask the group first."},
		{"river", "Good point. We asked everyone before we chose, anonymously, with a paper vote."},
		{"jo-peer", "Update: the library said yes! First Thursday of the month, 18:30. It has a lift and the bus stops right outside."},
		{"mira", "Wonderful news."},
		{"tomas", "Congrats. Tell us how the first meeting goes."},
		{"lena-harbour", "If you ever need a backup room, our offer stands. The Involve support page is the easiest way to ask."},
		{"jo-peer", "First meeting done. Eleven people, two new. Nobody had to explain where they were going. Thank you all."},
	}},
	{title: "Naloxone training: was it worth it?", lang: "en", daysAgo: 33, days: 30, lines: []line{
		{"tomas", "Our outreach team is thinking of running naloxone training for peers, not only for staff. Has anyone done it? Was it useful, and how long did it take?"},
		{"dee-j", "I did it last year. Two hours. Honestly one of the most useful things I have ever learned. I have used it twice since."},
		{"river", "Same. The practical part (the nasal spray and the recovery position) mattered more than the slides."},
		{"mira", "We had the training at the needle exchange. They gave everyone a kit to take home. That is the important part: a kit in your pocket, not in a cupboard at the service."},
		{"tomas", "How did you deal with people who are afraid of calling an ambulance? That comes up every time here."},
		{"dee-j", "The trainer was honest about it. She explained what the law here says, and what the ambulance staff will and will not do. It did not remove the fear but people had the facts."},
		{"sasha_k", "In Latvia we had a lawyer join the second half. People asked a lot of questions. It helped more than I expected."},
		{"jo-peer", "Was it run by peers or by staff?"},
		{"mira", "A nurse and a peer together. I think that is the best mix. The nurse knows the medicine, the peer knows what it is really like."},
		{"river", "Ours was only staff, and it showed. They talked about \"those clients\" a lot. We told them afterwards and they changed it."},
		{"tomas", "Good to know. We will ask for a peer trainer."},
		{"pim", "Pay the peer trainer. Properly, not with a voucher."},
		{"dee-j", "+1. Our service pays 25 euros an hour for peer trainers now, after the users' union pushed for it."},
		{"nadia_p", "Do you repeat the training? I did it once three years ago and I think I have forgotten half."},
		{"mira", "Yes, we do a 30-minute refresher every six months at the peer meeting. The kits also expire, so it is a good moment to swap them."},
		{"olga_v", "У нас тренинг проводили в автобусе аутрича, прямо на улице. Люди, которые не приходят в сервис, тоже научились."},
		{"marek", "Olga says they ran it in the outreach van, on the street, so people who never come to the service could learn too."},
		{"tomas", "That is a great idea for us. Most of the people we worry about do not come inside."},
		{"jo-peer", "How many people did you train per session? Big groups feel hard for practising."},
		{"dee-j", "Eight is about right. Everyone gets to try."},
		{"river", "We did twelve and split in two halves for the practical part."},
		{"sasha_k", "Also think of language. We did sessions in Russian and Latvian separately."},
		{"tomas", "We have a plan now. Six sessions of eight people, one in the van, one in Czech and English mixed, nurse plus peer trainer, peers paid, kits to take home, refresher in six months."},
		{"mira", "Sounds really good. Will you write up how it went?"},
		{"tomas", "Yes. I will post here after the first two sessions."},
		{"tomas", "First two sessions done: 15 people trained, 15 kits given out. Two people said it was the first time a service asked them to teach something instead of being taught."},
		{"dee-j", "That last part made me smile."},
		{"river", "Well done!"},
		{"ola-moderator", "Thank you for sharing this so openly. I added a link to this thread in the guide's page on practices."},
		{"nadia_p", "I am going to ask our service for a refresher now. Thanks everyone."},
		{"tomas", "One more: three weeks after the training, one of the people who came used his kit on a friend. The friend is fine."},
	}},
	{title: "Advisory board pay: what is fair?", lang: "en", daysAgo: 26, days: 25, lines: []line{
		{"jo-peer", "I have been asked to join the client advisory board of my mental-health service. They offer a 20 euro voucher per meeting. Meetings are two hours plus travel.\n\nIs that fair? What do others get?"},
		{"mira", "Vouchers are a problem for a lot of people. You cannot pay rent with a supermarket voucher. Ask for cash or a bank transfer, your choice."},
		{"dee-j", "We get 30 euros an hour, including reading time before meetings. It took us a year to get there."},
		{"river", "The guide page on payment is good on this. It says to agree the terms before you start, in writing."},
		{"jo-peer", "Reading time is a good point. They send us 40 pages before each meeting."},
		{"pim", "Check whether payment affects your benefits. In the Netherlands some payments count as income and some do not. Ask before you accept."},
		{"nadia_p", "Pim is right. I lost part of my benefit for a month because nobody told me. The service should find this out for you, not the other way round."},
		{"sasha_k", "In Riga the clinic pays 15 euros a meeting, cash. Low, but they also pay the bus and there is food."},
		{"tomas", "Food matters. We eat together before each meeting, it makes the meeting better too."},
		{"jo-peer", "What about travel? I come from outside the city, that is 9 euros."},
		{"mira", "Travel should always be paid on top, on the day, in cash. You should never be out of pocket."},
		{"dee-j", "And childcare if people need it."},
		{"olga_v", "Важно, чтобы оплата была не только за встречи, но и за подготовку. Мы тратим много времени на чтение документов."},
		{"marek", "Olga: payment should cover preparation too, not just meetings. Same point as Dee."},
		{"river", "Something nobody says: the staff in the room are paid for those two hours. Why would we not be?"},
		{"jo-peer", "That is exactly how I want to say it to them."},
		{"lena-harbour", "From the service side: we had to fight our finance department for cash payments. It was worth it. If your service says it \"cannot\" pay cash, ask them to find out how, others have."},
		{"pim", "Also ask how long it takes to get paid. We waited two months once."},
		{"jo-peer", "OK, I wrote to them. I asked for: 25 euros an hour, two hours preparation paid, travel on the day, cash or transfer, my choice, and a letter about benefits."},
		{"mira", "Brilliant. Let us know what they say."},
		{"dee-j", "Fingers crossed."},
		{"jo-peer", "They said yes to travel and preparation, and 20 euros an hour. Not everything, but better. They will write the benefits letter."},
		{"river", "That is a real step. And now it is in writing for everyone who comes after you."},
		{"sasha_k", "Можно я покажу эту переписку нашей клинике? Can I show this thread to our clinic?"},
		{"jo-peer", "@sasha_k of course."},
		{"tomas", "We should make a shared list of what boards pay. Then services can see what is normal."},
		{"ola-moderator", "Good idea. The Open Hands Foundation is asking for exactly this kind of evidence for their funding call. Maybe someone can start that list as a group?"},
		{"mira", "I can start it. Handles and cities only, no names."},
		{"nadia_p", "Count me in."},
		{"pim", "Me too."},
		{"dee-j", "Add: Utrecht, mental-health board, 30 an hour, prep paid, cash."},
		{"river", "Northport, city health committee, 40 per meeting plus travel, transfer only."},
		{"sasha_k", "Riga, HIV clinic, 15 per meeting, cash, bus paid, food."},
		{"jo-peer", "Utrecht, mental-health service, 20 an hour, prep paid, travel on the day."},
		{"mira", "Thank you all. I put it together and will share it at the users' union meeting."},
	}},
	{title: "Safe online channels: Signal, Matrix or Telegram?", lang: "en", daysAgo: 19, days: 10, lines: []line{
		{"river", "Our group wants a chat for between meetings. Some want WhatsApp because everyone has it. I am worried about phone numbers being visible to everyone. What do you use?"},
		{"dee-j", "Signal. You can now hide your phone number and use a username instead. Disappearing messages are good for us too."},
		{"marek", "We use Telegram but only in a channel, not a group, so members do not see each other. It works for announcements, not for talking."},
		{"tomas", "Matrix (Element) is what our outreach team uses. No phone number needed at all. But it is harder to set up for people who are not into tech."},
		{"mira", "Whatever you choose: decide who can add people, and what happens when someone leaves the group. We had a problem with someone who left on bad terms and kept reading."},
		{"river", "@mira how did you fix it?"},
		{"mira", "We made a new group and only invited people back after a short chat. It was awkward but necessary."},
		{"nadia_p", "WhatsApp shows everyone's number to everyone. For us that is a dealbreaker. Some of our members are undocumented."},
		{"olga_v", "Для тех, у кого нет смартфона, мы дублируем всё в SMS. Не все могут пользоваться мессенджерами."},
		{"marek", "Olga: they also send everything by SMS for members without a smartphone. Good reminder that not everyone has one."},
		{"dee-j", "And email for those who prefer it. The notifications here on Involve can go to email too."},
		{"river", "Good point. We could use the group's discussions here for anything longer, and a chat only for \"running late\" messages."},
		{"tomas", "That is what we do. Decisions and notes here, where they do not get lost. Chat for the small stuff."},
		{"jo-peer", "Also: set disappearing messages to something like a week. Phones get lost, taken or checked by others."},
		{"pim", "And do not post photos of meetings in the chat. Even a background can tell someone where you were."},
		{"river", "Thanks all. We voted: Signal with usernames, disappearing messages after one week, two admins, and Involve for anything we need to keep."},
		{"mira", "Sounds like a very good setup."},
		{"ola-moderator", "If your group adds its Signal or Matrix link on its Involve page, only members of a members-only group see it. Worth doing."},
		{"river", "Done. Thanks."},
		{"dee-j", "Saving this thread for the next group that asks."},
	}},
	{title: "Een gebruikersraad opzetten: waar begin je?", lang: "nl", daysAgo: 30, days: 16, lines: []line{
		{"mira", "Bij de spuitomruil in Noord willen we een gebruikersraad beginnen. De dienst vindt het goed, maar niemand weet hoe. Wie heeft dit al eens gedaan?"},
		{"pim", "Wij zijn twee jaar geleden begonnen in Utrecht. Begin klein: drie of vier mensen die het echt willen. Niet wachten tot je tien mensen hebt."},
		{"nadia_p", "Spreek eerst met elkaar af waar jullie over gaan. Wij hadden in het begin eindeloze vergaderingen over alles tegelijk."},
		{"mira", "Goed punt. Waar ging het bij jullie over, in het begin?"},
		{"pim", "Openingstijden en hoe het personeel met mensen praat. Dat zijn dingen die iedereen merkt en waar de dienst ook echt iets aan kan doen."},
		{"lena-harbour", "Als medewerker: vraag om een vaste contactpersoon bij de dienst, en spreek af binnen hoeveel tijd jullie antwoord krijgen op een advies. Anders verdwijnt het in een la."},
		{"mira", "Dat van de termijn is slim. Zes weken?"},
		{"lena-harbour", "Zes weken is redelijk. En dat het antwoord op papier komt, ook als het nee is, met de reden erbij."},
		{"nadia_p", "En zorg dat jullie betaald worden voor je tijd. Zie het draadje over vergoedingen hierboven."},
		{"pim", "Wij kiezen elk jaar opnieuw wie er in de raad zit. Zo blijft het niet steeds bij dezelfde mensen."},
		{"mira", "Hoe doen jullie dat met mensen die niet goed kunnen lezen? Veel stukken van de dienst zijn ingewikkeld."},
		{"nadia_p", "Wij vragen de dienst om een samenvatting van één kantje, in gewone taal. Eerst weigerden ze, nu doen ze het altijd."},
		{"pim", "En we lezen de belangrijke dingen samen, hardop, aan het begin van de vergadering."},
		{"mira", "Wat als de dienst het niet eens is met wat de raad vindt?"},
		{"lena-harbour", "Dan hoort de raad dat, met redenen. Meer kan je niet afdwingen, maar als het openbaar is, zie je na een jaar wel wat er met jullie adviezen gebeurd is."},
		{"pim", "Daarom zetten wij alles op Involve: wat we vroegen en wat de dienst zei. Iedereen kan het zien."},
		{"nadia_p", "Tip: maak notulen, kort, en deel ze met alle bezoekers, niet alleen met de raad."},
		{"mira", "Bedankt allemaal. We beginnen met vier mensen, eerst over de openingstijden in het weekend. Eerste bijeenkomst over twee weken."},
		{"pim", "Succes! Laat weten hoe het gaat."},
		{"mira", "Eerste bijeenkomst gehad. Vijf mensen, en de teamleider kwam aan het eind luisteren. Ze beloofde binnen zes weken antwoord."},
		{"nadia_p", "Mooi begin!"},
	}},
	{title: "Как мы собрали группу равных в Риге", lang: "ru", daysAgo: 22, days: 12, lines: []line{
		{"sasha_k", "Хочу рассказать, как мы начинали группу для русскоязычных людей, живущих с ВИЧ, в Риге. Может, кому-то пригодится. И интересно, как у вас."},
		{"sasha_k", "Сначала мы просто встречались втроём в кафе. Потом попросили клинику повесить объявление — без слова «ВИЧ» на нём, только «группа поддержки, четверг, 18:00»."},
		{"olga_v", "Это очень важно — про объявление. Многие боятся, что их увидят рядом с таким листком."},
		{"marek", "А как люди узнавали, что группа именно для людей с ВИЧ?"},
		{"sasha_k", "Врачи и консультанты говорили лично тем, кому это может быть полезно. Это работало лучше любого объявления."},
		{"olga_v", "У нас в Даугавпилсе так же. Сарафанное радио."},
		{"marek", "Сколько человек было на первой встрече?"},
		{"sasha_k", "Семь. Через полгода — двадцать. Сейчас делимся на две группы, чтобы всем было место говорить."},
		{"olga_v", "Как вы договорились о правилах? У нас в начале было сложно — кто-то рассказывал чужие истории."},
		{"sasha_k", "Первым делом договорились: что сказано в группе, остаётся в группе. Никаких имён снаружи. Правила повесили на стену и читаем их, когда приходят новые люди."},
		{"marek", "Мы ещё договорились, что никто не обязан говорить. Можно просто прийти и слушать."},
		{"olga_v", "Да, это очень важно для новеньких."},
		{"sasha_k", "Потом клиника предложила нам помещение и чай. Мы согласились, но с условием: сотрудники на встречи не приходят, только если мы их пригласим."},
		{"marek", "И они согласились?"},
		{"sasha_k", "Не сразу. Но мы объяснили, что иначе люди не будут говорить свободно. Теперь раз в три месяца приглашаем врача на вопросы."},
		{"olga_v", "Хорошая схема. Мы хотим так же."},
		{"marek", "А деньги? Кто платит за чай, за дорогу?"},
		{"sasha_k", "Чай — клиника. Дорогу людям, кто далеко живёт, оплачивает фонд Open Hands, мы подали заявку через Involve."},
		{"olga_v", "Спасибо, Саша. Покажу это нашей группе."},
		{"marek", "Можно перевести это на латышский для нашей клиники?"},
		{"sasha_k", "Конечно. Только без имён, пожалуйста."},
	}},
}

// groupScripts are discussions for the demo groups, each given to a group
// that speaks its language. Speakers are positions in the group's member
// list.
var groupScripts = []script{
	{title: "Users' union meeting on the 14th: agenda", lang: "en", daysAgo: 12, topics: []string{"users' union", "policy", "peer support"}, lines: []line{
		{"0", "Draft agenda for the 14th:\n\n1. Welcome and the rules\n2. Weekend opening hours: what the service answered\n3. Payment for the advisory board\n4. Anything else\n\nAdd what is missing."},
		{"1", "Can we add the new ID check at the front desk? Several people stopped coming because of it."},
		{"0", "Added as point 4."},
		{"2", "I can take notes this time."},
		{"1", "Who is bringing food? I can bring soup."},
		{"0", "Thank you both. Soup is perfect, it is getting cold."},
		{"2", "Notes from the meeting are up: 14 people came. The service will answer about the ID check within six weeks."},
		{"1", "Thanks for the notes. Clear and short."},
	}},
	{title: "Notes from our meeting with the clinic manager", lang: "en", daysAgo: 6, topics: []string{"client participation", "mental health", "research"}, lines: []line{
		{"0", "Short notes from today:\n\n- The manager agreed to a peer on the interview panel for new staff.\n- Waiting room: they will remove the TV showing the news all day.\n- No answer yet on evening opening hours.\n\nNext meeting in a month."},
		{"1", "The interview panel is big. Who wants to do it?"},
		{"2", "I would like to. I did something similar at my old service."},
		{"0", "Great. Is it paid? I will ask."},
		{"0", "It is paid at the same rate as the advisory board. Two hours per interview day."},
	}},
	{title: "Zaal voor de volgende bijeenkomst", lang: "nl", daysAgo: 9, topics: []string{"needle exchange", "naloxone"}, lines: []line{
		{"0", "De bibliotheek is in maart dicht voor verbouwing. Weet iemand een andere plek voor onze bijeenkomst?"},
		{"1", "Het buurthuis aan de Kade heeft een zaal met een lift. Ik ken de beheerder."},
		{"0", "Kun je vragen of het gratis kan, op de eerste donderdag?"},
		{"1", "Gevraagd: het kan, als we zelf opruimen. Koffie mogen we uit de keuken gebruiken."},
		{"2", "Is er een bus in de buurt? Niet iedereen kan fietsen."},
		{"1", "Bus 22 stopt voor de deur, tot half twaalf 's avonds."},
		{"0", "Top. Ik zet het in de groep en op de kalender."},
	}},
	{title: "Reiskosten: hoe krijg je ze terug?", lang: "nl", daysAgo: 4, topics: []string{"client participation"}, lines: []line{
		{"0", "Ik heb nog steeds mijn reiskosten van de vorige twee vergaderingen niet terug. Hoe doen jullie dat?"},
		{"1", "Bonnetje of een foto van je kaartje, en meteen op de dag inleveren bij de coördinator. Dan krijg je het contant."},
		{"2", "Als je met een ov-kaart reist, kan je een reisoverzicht downloaden. Dat nemen ze ook aan."},
		{"0", "Dank je. Ik vraag het morgen nog een keer."},
	}},
	{title: "Встреча в четверг: кто придёт?", lang: "ru", daysAgo: 8, topics: []string{"HIV", "peer counselling"}, lines: []line{
		{"0", "Напоминаю: встреча в четверг в 18:00, как обычно. Кто придёт? Нужно понять, сколько брать еды."},
		{"1", "Я буду. Могу принести пирог."},
		{"2", "Буду, но опоздаю на полчаса после работы."},
		{"0", "Хорошо, ждём. Пирог — отлично!"},
		{"1", "Приведу подругу, она недавно узнала диагноз. Можно?"},
		{"0", "Конечно. Скажи ей, что можно просто послушать, говорить не обязательно."},
		{"2", "Спасибо за встречу. Было очень тепло."},
	}},
	{title: "Drug checking at the festival: volunteers needed", lang: "en", daysAgo: 15, days: 10, topics: []string{"drug checking", "nightlife"}, lines: []line{
		{"0", "The drug checking service will have a tent at the summer festival again. They asked if peers want to help at the info desk: explaining results, handing out water and earplugs, talking to people. Paid, 15 euros an hour plus food."},
		{"1", "I am in for Saturday. I did it last year and it was one of the best things I have done."},
		{"2", "What kind of questions do people ask?"},
		{"1", "Mostly \"is this safe?\" Then you explain that no result means safe, only less risky, and talk about dose and not mixing. People listen to peers more than to staff in a tent."},
		{"0", "There is a two-hour briefing the week before. They want people who can stay calm if someone is not well."},
		{"2", "Then count me in for Sunday. Can we do shifts in pairs?"},
		{"0", "Yes, always in pairs. I will make the list."},
		{"1", "Remember sunscreen this time. Last year we all got burnt."},
	}},
	{title: "How do we choose who speaks for the group?", lang: "en", daysAgo: 11, topics: []string{"getting organised", "funding", "review"}, lines: []line{
		{"0", "The council asked for two people from our group at the meeting on the 3rd. Last time it was the same two people again. How do we choose more fairly?"},
		{"1", "We could draw names from everyone who says they want to go. Random is fair, and new people get a chance."},
		{"2", "A draw is good, but pair each new person with someone who has done it before."},
		{"0", "And prepare together the week before, so the two speak for the group and not just for themselves."},
		{"1", "Let us write down what we want them to say. Three points, no more."},
		{"0", "Agreed. Names in the hat by Friday, draw at the meeting."},
	}},
	{title: "Our answer to the council's housing consultation", lang: "en", daysAgo: 18, days: 12, topics: []string{"housing", "policy"}, lines: []line{
		{"0", "The council's housing consultation closes at the end of the month. I drafted an answer from the group. Main points:\n\n1. Keep the night shelter open in summer too.\n2. No eviction for missed appointments.\n3. Ask tenants before changing the rules of supported housing.\n\nComments?"},
		{"1", "Add something about pets. People lose their place because they will not leave their dog."},
		{"2", "And that letters should come in plain language. Half of us cannot make sense of them."},
		{"0", "Both added. Anything else?"},
		{"1", "Say who we are: how many members, and that we all live or lived in the council's housing. It gives the answer weight."},
		{"2", "Can we also ask them to publish what they did with the answers? Last time we never heard back."},
		{"0", "Good one. I will add: \"Please tell us, in writing, what you did with each of these points.\""},
		{"0", "Sent. They confirmed they received it."},
	}},
	{title: "Huurverhoging: wat kunnen we samen doen?", lang: "nl", daysAgo: 14, days: 10, topics: []string{"housing", "tenants' rights"}, lines: []line{
		{"0", "Iedereen in ons gebouw kreeg een brief over huurverhoging. Voor sommigen is het bijna veertig euro per maand. Wat kunnen we doen?"},
		{"1", "Eerst checken of het mag. Het Juridisch Loket helpt gratis. Ik kan een afspraak maken."},
		{"2", "We kunnen ook samen bezwaar maken. Een brief met twintig handtekeningen weegt meer dan één."},
		{"0", "Goed idee. Wie wil meeschrijven?"},
		{"1", "Ik. Kort en duidelijk, met wat het voor ons betekent."},
		{"2", "Vergeet niet: mensen met een uitkering kunnen huurtoeslag aanvragen of aanpassen. Veel mensen weten dat niet."},
		{"0", "De brief is klaar. Hij ligt donderdag bij de bijeenkomst om te tekenen."},
	}},
	{title: "Wie gaat er mee naar het landelijke overleg?", lang: "nl", daysAgo: 10, topics: []string{"mental health", "recovery"}, lines: []line{
		{"0", "In juni is het landelijke overleg van cliëntenraden in Utrecht. We mogen met twee mensen komen. Reiskosten worden vergoed."},
		{"1", "Ik wil wel. Ik ben er nog nooit geweest."},
		{"2", "Ik ben vorig jaar gegaan. Het is een lange dag, maar je leert veel van andere raden."},
		{"0", "Mooi. Dan gaan jullie samen? Dan is er één die het al kent."},
		{"1", "Graag. Kunnen we vooraf even bespreken wat we willen vragen?"},
		{"2", "Zeker. Dinsdag na de bijeenkomst?"},
	}},
	{title: "Veilig thuiskomen na een avond uit", lang: "nl", daysAgo: 7, topics: []string{"chemsex", "sexual health", "nightlife"}, lines: []line{
		{"0", "Na vorige week: laten we afspreken hoe we elkaar laten weten dat we veilig thuis zijn."},
		{"1", "Een berichtje in de groep is genoeg. Alleen een duim."},
		{"2", "En als iemand zich na een uur niet gemeld heeft, belt een van ons. Niet boos, gewoon even checken."},
		{"0", "Afgesproken. En niemand gaat alleen naar huis als het niet goed gaat. We betalen samen een taxi als het moet."},
		{"1", "Fijn dat we dit regelen. Voelt veiliger."},
	}},
	{title: "Сколько должны платить за участие в совете?", lang: "ru", daysAgo: 3, topics: []string{"women", "harm reduction"}, lines: []line{
		{"0", "Клиника предлагает 15 евро за встречу консультативного совета. Это мало? Что скажете?"},
		{"1", "Посмотрите обсуждение на форуме про оплату — там много примеров из разных городов."},
		{"2", "Главное, чтобы платили и за подготовку, и за дорогу. И наличными, если кому-то так удобнее."},
		{"0", "Спасибо. Подготовлю письмо клинике от имени группы."},
	}},
}

// Fragments of the forum's weekly check-in, the 300-post thread: each post
// takes one of each, so no two read quite alike.
var (
	checkinOpen = []string{"Checking in.", "Hi all.", "Morning, everyone.", "Evening check-in.", "Quick one from me.",
		"Back again.", "Hello from Utrecht.", "Late check-in tonight.", "Hi from Riga.", "Hey folks."}
	checkinHow = []string{"Not the best week, but I am still here.", "Good week. Slept well most nights.",
		"Rough few days. The clinic moved my appointment again.", "Feeling steady.", "Tired but okay.",
		"Had a good talk with my outreach worker.", "Money is tight this month.", "Went to the drop-in twice, which helped.",
		"The new pharmacy hours are a pain.", "Finally got my ID sorted.", "The housing meeting went better than I feared.",
		"My dose is being reviewed next week. A bit nervous.", "A calm week, for once.", "Struggled with sleep again."}
	checkinDid = []string{"Did the naloxone refresher on Tuesday.", "Helped set up chairs for the peer meeting.",
		"Handed out leaflets at the needle exchange.", "Read the guide page on payment. Very useful.",
		"Spent the afternoon in the park with my dog.", "Called my sister for the first time in months.",
		"Cooked for the group on Thursday.", "Started going to the users' union meetings.",
		"Took notes at the advisory board.", "", "", ""}
	checkinEnd = []string{"Take care of each other.", "Thanks for reading.", "Sending strength to whoever needs it.",
		"See you Thursday.", "Be safe this weekend.", "Proud of this group.", "", ""}
)

// checkin builds the weekly check-in thread: n posts by voices, over days.
func checkin(voices []string, n int) []line {
	r := rand.New(rand.NewPCG(14, 2026))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	out := []line{{"dee-j", "A place to check in, every week or whenever you like: how you are doing, what you did, what is hard. " +
		"No advice unless someone asks for it. Just saying \"still here\" is fine too."}}
	for len(out) < n {
		who := voices[r.IntN(len(voices))]
		prev := out[len(out)-1].who
		if who == prev {
			continue
		}
		parts := []string{pick(checkinOpen), pick(checkinHow)}
		if d := pick(checkinDid); d != "" {
			parts = append(parts, d)
		}
		if r.IntN(5) == 0 {
			parts = append(parts, "Glad to see you here, @"+prev+".")
		}
		if e := pick(checkinEnd); e != "" {
			parts = append(parts, e)
		}
		out = append(out, line{who, strings.Join(parts, " ")})
	}
	return out
}

// fillDiscussions adds the forum and, for each group in groupSlugs (in
// the order given), a discussion in a language the group speaks, while
// scripts last. It needs the demo people in ids.
func fillDiscussions(ctx context.Context, a *app.App, ids map[string]int64, groupSlugs []string) error {
	for _, p := range forumPeers {
		m, _, err := a.Accounts.Create(ctx, p.handle, Passphrase)
		if err != nil {
			return fmt.Errorf("demo: member %s: %w", p.handle, err)
		}
		ids[p.handle] = m.ID
		pr := withDefaults(accounts.Profile{DisplayName: f(p.name, accounts.Members)})
		if err := a.Accounts.UpdateProfile(ctx, m.ID, pr); err != nil {
			return err
		}
		if err := a.Accounts.SetLocale(ctx, m.ID, p.lang); err != nil {
			return err
		}
	}
	now := time.Now()
	byHandle := func(h string) (int64, error) {
		id, ok := ids[h]
		if !ok {
			return 0, fmt.Errorf("demo: discussions: no member %q", h)
		}
		return id, nil
	}

	voices := []string{"mira", "sasha_k", "jo-peer", "tomas", "river", "nadia_p", "pim", "olga_v", "dee-j", "marek"}
	scripts := append(append([]script{}, forumScripts...),
		script{title: "Weekly check-in: how are you doing?", lang: "en", daysAgo: 62, days: 61, lines: checkin(voices, 300)})
	threads := map[string]*discussions.Discussion{}
	for _, sc := range scripts {
		d, err := importScript(ctx, a, nil, sc, now, byHandle)
		if err != nil {
			return err
		}
		threads[sc.title] = d
	}

	// The welcome thread is pinned and closed, by the site moderator.
	welcome := threads[forumScripts[0].title]
	if _, err := a.Discussions.SetPinned(ctx, welcome.ID, ids["ola-moderator"], true); err != nil {
		return err
	}
	if _, err := a.Discussions.SetLocked(ctx, welcome.ID, ids["ola-moderator"], true); err != nil {
		return err
	}

	// Groups: each gets the first unused script in a language it speaks.
	used := map[int]bool{}
	for _, slug := range groupSlugs {
		g, err := a.Groups.BySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("demo: discussions: group %s: %w", slug, err)
		}
		ms, err := a.Groups.Members(ctx, g.ID)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			continue
		}
		i := pickScript(g, used)
		if i < 0 {
			continue
		}
		used[i] = true
		member := func(who string) (int64, error) {
			n, err := strconv.Atoi(who)
			if err != nil {
				return byHandle(who)
			}
			return ms[n%len(ms)].MemberID, nil
		}
		if _, err := importScript(ctx, a, &g.ID, groupScripts[i], now, member); err != nil {
			return err
		}
	}

	// A few live replies: notifications, unread markers and an edit.
	venue := threads[forumScripts[1].title]
	if _, err := a.Discussions.Reply(ctx, venue.ID, ids["tomas"], "@mira we are looking for a room in Prague now. Could you share how you asked the library?", false); err != nil {
		return err
	}
	pay := threads[forumScripts[3].title]
	p, err := a.Discussions.Reply(ctx, pay.ID, ids["mira"], "The list is ready: 12 boards in 6 cities. I will share it at the users' union on Thursday.", false)
	if err != nil {
		return err
	}
	if err := a.Discussions.Edit(ctx, p.ID, ids["mira"], "", "The list is ready: 12 boards in 6 cities, handles and cities only. I will share it at the users' union meeting on Thursday, and post it here after."); err != nil {
		return err
	}
	if _, err := a.Discussions.Reply(ctx, pay.ID, ids["sasha_k"], "Thank you, Mira! Our clinic read this thread and raised the payment to 20 euros.", false); err != nil {
		return err
	}
	return nil
}

// pickScript returns the unused group script that suits the group best:
// in one of its languages (English when it lists none we have), on one of
// its topics if any, in the language it lists first if it can; -1 when
// none is left.
func pickScript(g *groups.Group, used map[int]bool) int {
	rank := map[string]int{}
	for _, l := range g.Languages {
		code := ""
		switch strings.ToLower(strings.TrimSpace(l)) {
		case "en", "english":
			code = "en"
		case "nl", "dutch", "nederlands":
			code = "nl"
		case "ru", "russian", "русский":
			code = "ru"
		}
		if _, seen := rank[code]; code != "" && !seen {
			rank[code] = len(g.Languages) - len(rank)
		}
	}
	if len(rank) == 0 {
		rank["en"] = 1
	}
	best, bestScore := -1, 0
	for i, sc := range groupScripts {
		if used[i] || rank[sc.lang] == 0 {
			continue
		}
		score := rank[sc.lang]
		for _, t := range sc.topics {
			for _, gt := range g.Topics {
				if strings.EqualFold(t, gt) {
					score += 100
				}
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// importScript brings in one scripted thread, its posts spread over the
// days it ran, ending no later than a few hours ago.
func importScript(ctx context.Context, a *app.App, groupID *int64, sc script, now time.Time, who func(string) (int64, error)) (*discussions.Discussion, error) {
	start := now.Add(-time.Duration(sc.daysAgo) * 24 * time.Hour)
	days := sc.days
	if days == 0 {
		days = 7
	}
	span := min(time.Duration(days)*24*time.Hour, now.Add(-3*time.Hour).Sub(start))
	step := span / time.Duration(len(sc.lines))
	var posts []discussions.ImportPost
	for i, l := range sc.lines {
		id, err := who(l.who)
		if err != nil {
			return nil, err
		}
		// Replies come unevenly: some within minutes, some a day later.
		at := start.Add(time.Duration(i)*step + time.Duration((i*7919)%97)*time.Minute)
		posts = append(posts, discussions.ImportPost{AuthorID: id, Body: l.text, At: at})
	}
	return a.Discussions.Import(ctx, groupID, sc.title, sc.lang, posts)
}
