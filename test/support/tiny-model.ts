import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/**
 * Writes a tiny transformers.js feature-extraction model folder, since no pretrained weights can
 * be downloaded here: config.json (a "bert"), a WordPiece tokenizer.json over `words`, and
 * onnx/model.onnx, a real ONNX graph: last_hidden_state = Embedding[input_ids] * attention_mask.
 * Each word's embedding is a fixed pseudo-random vector, so texts sharing words get similar
 * mean-pooled vectors, which is all retrieval tests need.
 */
export async function writeTinyModel(folder: string, words: readonly string[], dimensions = 16): Promise<void> {
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];
  const vocab = [...specials, ...new Set(words.map((word) => word.toLowerCase()))];
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));

  await mkdir(path.join(folder, "onnx"), { recursive: true });
  await writeFile(
    path.join(folder, "config.json"),
    JSON.stringify({
      model_type: "bert",
      architectures: ["BertModel"],
      hidden_size: dimensions,
      vocab_size: vocab.length,
    }),
  );
  await writeFile(
    path.join(folder, "tokenizer_config.json"),
    JSON.stringify({
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: 512,
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      cls_token: "[CLS]",
      sep_token: "[SEP]",
    }),
  );
  const special = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } });
  await writeFile(
    path.join(folder, "tokenizer.json"),
    JSON.stringify({
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: specials.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: {
        type: "BertNormalizer",
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: "BertPreTokenizer" },
      post_processor: {
        type: "TemplateProcessing",
        single: [special("[CLS]"), { Sequence: { id: "A", type_id: 0 } }, special("[SEP]")],
        pair: [
          special("[CLS]"),
          { Sequence: { id: "A", type_id: 0 } },
          special("[SEP]"),
          { Sequence: { id: "B", type_id: 1 } },
          special("[SEP]"),
        ],
        special_tokens: {
          "[CLS]": { id: "[CLS]", ids: [ids["[CLS]"]], tokens: ["[CLS]"] },
          "[SEP]": { id: "[SEP]", ids: [ids["[SEP]"]], tokens: ["[SEP]"] },
        },
      },
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: {
        type: "WordPiece",
        unk_token: "[UNK]",
        continuing_subword_prefix: "##",
        max_input_chars_per_word: 100,
        vocab: ids,
      },
    }),
  );

  // Embedding table: a deterministic pseudo-random vector per token ([PAD] is zero).
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const table = new Float32Array(vocab.length * dimensions);
  for (let i = dimensions; i < table.length; i += 1) table[i] = random();

  const tensorType = (elemType: number, dims: (string | number)[]) => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((dim) => (typeof dim === "string" ? { dimParam: dim } : { dimValue: dim })) },
    },
  });
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "newsdesk-tests",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny-embedder",
      initializer: [
        {
          name: "embeddings",
          dataType: FLOAT,
          dims: [vocab.length, dimensions],
          rawData: new Uint8Array(table.buffer),
        },
        { name: "last_axis", dataType: INT64, dims: [1], int64Data: [-1] },
      ],
      node: [
        {
          opType: "Gather",
          input: ["embeddings", "input_ids"],
          output: ["gathered"],
          attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
        {
          opType: "Cast",
          input: ["attention_mask"],
          output: ["mask_float"],
          attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
        },
        { opType: "Unsqueeze", input: ["mask_float", "last_axis"], output: ["mask_3d"] },
        { opType: "Mul", input: ["gathered", "mask_3d"], output: ["last_hidden_state"] },
      ],
      input: [
        { name: "input_ids", type: tensorType(INT64, ["batch", "sequence"]) },
        { name: "attention_mask", type: tensorType(INT64, ["batch", "sequence"]) },
      ],
      output: [{ name: "last_hidden_state", type: tensorType(FLOAT, ["batch", "sequence", dimensions]) }],
    },
  });
  await writeFile(path.join(folder, "onnx", "model.onnx"), onnx.ModelProto.encode(model).finish());
}
