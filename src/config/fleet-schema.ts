// The fleet section of the configuration schema: the MQTT broker a terminal
// reports to, and the topic levels its messages go under.

import { z } from 'zod';
import {
  bool,
  evenWithOtherIssues,
  field,
  filePath,
  quoted,
  says,
  text,
  wholeNumber,
} from '../profiles/schema-builders.js';

// A terminal id or hall id becomes one MQTT topic level: a level separator, a wildcard
// or a space would put its messages under another terminal's topics, or nowhere.
const TOPIC_LEVEL_FORBIDDEN = /[/+#\s]/;
export const badTopicLevel = (level: string) => TOPIC_LEVEL_FORBIDDEN.test(level) || level.includes('\0');
const HALL_ID =
  'the hall\'s id as one topic level, e.g. "350521": no /, +, # or spaces (or null for terminal.areaCode)';
const TOPIC_PREFIX =
  'the first topic level(s), e.g. hcp or fj/hcp: no +, # or spaces, no empty level, not starting with $';

function isMqttUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const fleetSchema = z
  .strictObject({
    url: z
      .string(
        says("the broker's address, mqtt://HOST:PORT or mqtts://HOST:PORT, such as mqtt://10.1.2.3:1883"),
      )
      .refine(
        isMqttUrl,
        says("the broker's address, mqtt://HOST:PORT or mqtts://HOST:PORT, such as mqtt://10.1.2.3:1883"),
      ),
    username: text('the user name the broker knows this terminal by, as text', 1).nullable().default(null),
    password: text('the password the broker issued for this terminal, as text', 1).nullable().default(null),
    ca: filePath("a PEM file of the private CA that signed the broker's certificate, or null")
      .nullable()
      .default(null),
    topicPrefix: text(TOPIC_PREFIX, 1, 128)
      .refine(
        (p) => !p.startsWith('$') && p.split('/').every((l) => l !== '' && !badTopicLevel(l)),
        says(TOPIC_PREFIX),
      )
      .default('hcp'),
    hallId: text(quoted(HALL_ID), 1, 64)
      .refine((id) => !badTopicLevel(id), says(HALL_ID))
      .nullable()
      .default(null),
    keepaliveSeconds: wholeNumber(5, 3600, 'a whole number of seconds from 5 to 3600, such as 30').default(
      30,
    ),
    stateIntervalSeconds: wholeNumber(
      1,
      86_400,
      'a whole number of seconds from 1 to 86400, such as 30',
    ).default(30),
    badRatingEvents: bool('true (tell the hall of each 差评 at once) or false (state only)').default(true),
    // At least today and yesterday: the day before is published once more after midnight.
    statsDays: wholeNumber(2, 3660, 'a whole number of days from 2 to 3660, such as 62').default(62),
  })
  .superRefine((fleet, ctx) => {
    const url = field(fleet, 'url');
    const ca = field(fleet, 'ca');
    if (typeof url === 'string' && url.startsWith('mqtt://') && typeof ca === 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['ca'],
        message: `null, because fleet.url ${url} is not TLS (use mqtts:// to check the broker against this CA)`,
      });
    }
  }, evenWithOtherIssues);
