/**
 * Discord's limits on what a bot sends, checked the way Discord checks them: a violation is answered with
 * HTTP 400 `{ code: 50035, message: "Invalid Form Body", errors }`, where `errors` mirrors the body's shape and
 * each offending field holds `_errors: [{ code, message }]`. discord.js does not check most of these itself,
 * so without this fake a bot that overflows them would pass its tests and fail in production.
 */

/** The numbers Discord enforces (https://discord.com/developers/docs/resources/message, .../components). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  /** Sum of title, description, field names and values, footer text and author name over all embeds. */
  embedTotal: 6000,
  actionRows: 5,
  rowComponents: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  modalTitle: 45,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
} as const;

/** One problem with one field, as Discord reports it. */
export interface FieldError {
  code: string;
  message: string;
}

/** Discord's nested error object: keys follow the body, leaves are `{ _errors: FieldError[] }`. */
export interface FormErrors {
  [key: string]: FormErrors | FieldError[];
}

/** The 400 body Discord answers for an invalid form body. */
export interface InvalidFormBody {
  code: 50035;
  message: "Invalid Form Body";
  errors: FormErrors;
}

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

/** Collects field errors into Discord's nested shape. */
export class FormErrorCollector {
  readonly errors: FormErrors = {};
  private count = 0;

  add(path: Path, code: string, message: string): void {
    let node = this.errors;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) {
        const child: FormErrors = {};
        node[String(key)] = child;
        node = child;
      } else {
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
    this.count += 1;
  }

  /** Adds BASE_TYPE_MAX_LENGTH when `value` is a string or array longer than `max`. */
  maxLength(path: Path, value: unknown, max: number): void {
    if ((typeof value === "string" || Array.isArray(value)) && value.length > max) {
      this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
    }
  }

  /** Adds BASE_TYPE_BAD_LENGTH when `value` is not a string or array of min..max length. */
  lengthBetween(path: Path, value: unknown, min: number, max: number): void {
    const length = typeof value === "string" || Array.isArray(value) ? value.length : -1;
    if (length < min || length > max) {
      this.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
    }
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** The 400 body, or null when nothing was wrong. */
  result(): InvalidFormBody | null {
    return this.empty ? null : { code: 50035, message: "Invalid Form Body", errors: this.errors };
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function textLength(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
}

const IS_COMPONENTS_V2 = 1 << 15;
const BUTTON = 2;
const ACTION_ROW = 1;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;

/** Checks one message body (create or edit) at `path` inside the request body. */
export function checkMessage(errors: FormErrorCollector, body: unknown, path: Path = []): void {
  if (!isObject(body)) return;
  errors.maxLength([...path, "content"], body.content, DISCORD_LIMITS.content);
  checkEmbeds(errors, body.embeds, [...path, "embeds"]);
  const flags = typeof body.flags === "number" ? body.flags : 0;
  checkComponents(errors, body.components, [...path, "components"], (flags & IS_COMPONENTS_V2) !== 0);
}

function checkEmbeds(errors: FormErrorCollector, embeds: unknown, path: Path): void {
  if (!Array.isArray(embeds)) return;
  errors.maxLength(path, embeds, DISCORD_LIMITS.embeds);
  let total = 0;
  embeds.forEach((embed, i) => {
    if (!isObject(embed)) return;
    const at = [...path, i];
    errors.maxLength([...at, "title"], embed.title, DISCORD_LIMITS.embedTitle);
    errors.maxLength([...at, "description"], embed.description, DISCORD_LIMITS.embedDescription);
    total += textLength(embed.title) + textLength(embed.description);
    const fields = asArray(embed.fields);
    errors.maxLength([...at, "fields"], fields, DISCORD_LIMITS.embedFields);
    fields.forEach((field, j) => {
      if (!isObject(field)) return;
      errors.maxLength([...at, "fields", j, "name"], field.name, DISCORD_LIMITS.embedFieldName);
      errors.maxLength([...at, "fields", j, "value"], field.value, DISCORD_LIMITS.embedFieldValue);
      total += textLength(field.name) + textLength(field.value);
    });
    if (isObject(embed.footer)) {
      errors.maxLength([...at, "footer", "text"], embed.footer.text, DISCORD_LIMITS.embedFooterText);
      total += textLength(embed.footer.text);
    }
    if (isObject(embed.author)) {
      errors.maxLength([...at, "author", "name"], embed.author.name, DISCORD_LIMITS.embedAuthorName);
      total += textLength(embed.author.name);
    }
  });
  if (total > DISCORD_LIMITS.embedTotal) {
    errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedTotal}`);
  }
}

function checkComponents(errors: FormErrorCollector, components: unknown, path: Path, v2: boolean): void {
  if (!Array.isArray(components)) return;
  if (!v2) errors.maxLength(path, components, DISCORD_LIMITS.actionRows);
  const seenIds = new Set<string>();
  const visit = (list: unknown[], at: Path): void => {
    list.forEach((component, i) => {
      if (!isObject(component)) return;
      const here = [...at, i];
      if (component.type === ACTION_ROW) checkRow(errors, component, here, seenIds);
      else if (Array.isArray(component.components)) visit(component.components, [...here, "components"]);
    });
  };
  visit(components, path);
}

function checkRow(errors: FormErrorCollector, row: Json, path: Path, seenIds: Set<string>): void {
  const children = asArray(row.components);
  errors.lengthBetween([...path, "components"], children, 1, DISCORD_LIMITS.rowComponents);
  if (children.length > 1 && children.some((c) => isObject(c) && SELECT_TYPES.has(Number(c.type)))) {
    errors.add(
      [...path, "components"],
      "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
      "The specified component exceeds the maximum width",
    );
  }
  children.forEach((child, i) => {
    if (!isObject(child)) return;
    const at = [...path, "components", i];
    errors.maxLength([...at, "custom_id"], child.custom_id, DISCORD_LIMITS.customId);
    if (typeof child.custom_id === "string") {
      if (seenIds.has(child.custom_id)) {
        errors.add([...at, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
      }
      seenIds.add(child.custom_id);
    }
    if (child.type === BUTTON) {
      errors.maxLength([...at, "label"], child.label, DISCORD_LIMITS.buttonLabel);
      const needsCustomId = child.style !== LINK_STYLE && child.style !== PREMIUM_STYLE;
      if (needsCustomId && typeof child.custom_id !== "string") {
        errors.add([...at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
      }
      if (child.style === LINK_STYLE && typeof child.url !== "string") {
        errors.add([...at, "url"], "BASE_TYPE_REQUIRED", "This field is required");
      }
    } else if (child.type === 3) {
      errors.lengthBetween([...at, "options"], child.options, 1, DISCORD_LIMITS.selectOptions);
    }
  });
}

/** True when a created message would have nothing to show (Discord answers 50006). */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const hasText = typeof body.content === "string" && body.content.length > 0;
  const hasList = (key: string) => Array.isArray(body[key]) && (body[key] as unknown[]).length > 0;
  return (
    !hasText &&
    !hasList("embeds") &&
    !hasList("components") &&
    !hasList("sticker_ids") &&
    !hasList("attachments") &&
    !isObject(body.poll) &&
    fileCount === 0
  );
}

/** Checks the `data` of an autocomplete result (callback type 8). */
export function checkAutocomplete(errors: FormErrorCollector, data: unknown, path: Path = ["data"]): void {
  const choices = isObject(data) ? data.choices : undefined;
  if (!Array.isArray(choices)) {
    errors.add([...path, "choices"], "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  errors.maxLength([...path, "choices"], choices, DISCORD_LIMITS.autocompleteChoices);
  choices.forEach((choice, i) => {
    if (!isObject(choice)) return;
    errors.lengthBetween([...path, "choices", i, "name"], choice.name, 1, DISCORD_LIMITS.choiceName);
    if (typeof choice.value === "string") {
      errors.maxLength([...path, "choices", i, "value"], choice.value, DISCORD_LIMITS.choiceValue);
    }
  });
}

/** Checks the `data` of a modal (callback type 9). */
export function checkModal(errors: FormErrorCollector, data: unknown, path: Path = ["data"]): void {
  if (!isObject(data)) {
    errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  errors.lengthBetween([...path, "title"], data.title, 1, DISCORD_LIMITS.modalTitle);
  errors.lengthBetween([...path, "custom_id"], data.custom_id, 1, DISCORD_LIMITS.customId);
  errors.lengthBetween([...path, "components"], data.components, 1, 5);
}

// Discord's rule for command and option names; chat-input names must also be lowercase.
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks a bulk-overwrite (PUT) or single (POST) command registration body. */
export function checkCommands(errors: FormErrorCollector, commands: unknown[]): void {
  const names = new Set<string>();
  commands.forEach((command, i) => {
    if (!isObject(command)) return;
    const type = typeof command.type === "number" ? command.type : 1;
    const key = `${type}:${String(command.name)}`;
    if (names.has(key)) {
      errors.add([i, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique");
    }
    names.add(key);
    checkCommandLike(errors, command, [i], type === 1);
  });
}

function checkCommandLike(errors: FormErrorCollector, item: Json, path: Path, chatInput: boolean): void {
  const name = item.name;
  if (typeof name !== "string" || (chatInput && (!COMMAND_NAME.test(name) || name !== name.toLowerCase()))) {
    errors.add([...path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  } else {
    errors.lengthBetween([...path, "name"], name, 1, DISCORD_LIMITS.commandName);
  }
  if (!chatInput) return;
  errors.lengthBetween([...path, "description"], item.description, 1, DISCORD_LIMITS.commandDescription);
  const options = asArray(item.options);
  errors.maxLength([...path, "options"], options, DISCORD_LIMITS.commandOptions);
  let sawOptional = false;
  options.forEach((option, i) => {
    if (!isObject(option)) return;
    const at = [...path, "options", i];
    const isGroup = option.type === 1 || option.type === 2;
    if (!isGroup) {
      if (option.required === true && sawOptional) {
        errors.add(
          at,
          "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          "Required options must be placed before non-required options",
        );
      }
      if (option.required !== true) sawOptional = true;
      errors.maxLength([...at, "choices"], option.choices, DISCORD_LIMITS.commandChoices);
    }
    checkCommandLike(errors, option, at, true);
  });
}
