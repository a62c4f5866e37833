// The pseudo-locale en-XA, made from the English catalog when chosen: every letter accented, every
// message bracketed and about 30% longer. A visible text without accents is a hard-coded string;
// a layout that breaks here will break in French or Hungarian.
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import english from "./messages/en.json";

const ACCENTED: Record<string, string> = Object.fromEntries(
  [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((letter, index) => [
    letter,
    [..."àƀçðéƒĝĥîĵķļɱñöƥǫŕšţûṽŵẋýžÀƁÇÐÉƑĜĤÎĴĶĻṀÑÖƤǪŔŠŢÛṼŴẊÝŽ"][index] ?? letter,
  ]),
);

export function accent(text: string): string {
  return [...text].map((character) => ACCENTED[character] ?? character).join("");
}

function pseudoElements(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element) => {
    if (element.type === TYPE.literal) return { ...element, value: accent(element.value) };
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      const options = Object.fromEntries(
        Object.entries(element.options).map(([key, option]) => [key, { ...option, value: pseudoElements(option.value) }]),
      );
      return { ...element, options };
    }
    if (element.type === TYPE.tag) return { ...element, children: pseudoElements(element.children) };
    return element;
  });
}

/** The longer text: a third of the message's length in padding, at least one character. */
function padding(message: string): string {
  return "·".repeat(Math.max(1, Math.round(message.length * 0.3)));
}

export function pseudoMessage(message: string): MessageFormatElement[] {
  return [
    { type: TYPE.literal, value: "⟦" },
    ...pseudoElements(parse(message)),
    { type: TYPE.literal, value: `${padding(message)}⟧` },
  ];
}

export function pseudoMessages(): Record<string, MessageFormatElement[]> {
  return Object.fromEntries(Object.entries(english as Record<string, string>).map(([id, message]) => [id, pseudoMessage(message)]));
}
