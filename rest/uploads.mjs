// @ts-check
// multipart/form-data routes: a DRF-style form, one file field per kind of document
// (`-F id_front=@front.jpg -F selfie=@me.png`), sent to the router as a GraphQL multipart
// request (operations, map, files) of the route's operation. The router and the subgraph
// behind it check sizes and types, as they do for any GraphQL client.
import { getNamedType, isEnumType, isInputObjectType, isScalarType } from 'graphql';
import { FormData, Response } from 'undici';
import { RestError, snake } from './drf.mjs';

/** The router's ROUTER_MAX_UPLOAD_BYTES: larger forms are refused before they are read. */
export const MAX_UPLOAD = 26 * 1024 * 1024;

/**
 * @typedef {{ arg: string, kindField: string, fileField: string, kinds: Map<string, string> }} UploadShape
 *   `arg` is a list of inputs, each an enum (`kindField`, named by the form field) and an
 *   Upload (`fileField`, the file)
 */

/**
 * @param {import('graphql').GraphQLField<unknown, unknown>} field
 * @param {string} arg
 * @returns {UploadShape}
 */
export function uploadShape(field, arg) {
  const found = field.args.find((a) => a.name === arg);
  const item = found && getNamedType(found.type);
  if (!item || !isInputObjectType(item)) throw new Error(`${field.name}(${arg}): not a list of inputs`);
  const fields = Object.values(item.getFields());
  const kind = fields.find((f) => isEnumType(getNamedType(f.type)));
  const file = fields.find((f) => {
    const named = getNamedType(f.type);
    return isScalarType(named) && named.name === 'Upload';
  });
  const kinds = kind && getNamedType(kind.type);
  if (!kind || !file || !isEnumType(kinds)) throw new Error(`${field.name}(${arg}): needs an enum and an Upload field`);
  return {
    arg,
    kindField: kind.name,
    fileField: file.name,
    kinds: new Map(kinds.getValues().map((v) => [v.name.toLowerCase(), v.name])),
  };
}

/**
 * The list argument and its files, from the form.
 * @param {UploadShape} shape
 * @param {Buffer | undefined} raw
 * @param {string} contentType
 * @returns {Promise<{ variables: Record<string, unknown>, files: File[] }>}
 */
export async function formVariables(shape, raw, contentType) {
  /** @type {Awaited<ReturnType<Response['formData']>>} */
  let form;
  try {
    form = await new Response(raw ?? '', { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new RestError(400, { detail: 'Multipart form parse error.' });
  }
  /** @type {Record<string, string[]>} */
  const errors = {};
  /** @type {Record<string, unknown>[]} */
  const items = [];
  /** @type {File[]} */
  const files = [];
  const choices = [...shape.kinds.keys()].join(', ');
  for (const [name, value] of form.entries()) {
    const kind = shape.kinds.get(name);
    if (!kind) errors[name] = [`Not a kind of document; one of ${choices}.`];
    else if (typeof value === 'string') errors[name] = ['The submitted data was not a file. Check the encoding type on the form.'];
    else {
      items.push({ [shape.kindField]: kind, [shape.fileField]: null });
      files.push(/** @type {File} */ (value));
    }
  }
  if (Object.keys(errors).length) throw new RestError(400, errors);
  if (!files.length) throw new RestError(400, { [snake(shape.arg)]: [`No file was submitted (fields: ${choices}).`] });
  return { variables: { [shape.arg]: items }, files };
}

/**
 * The GraphQL multipart request (graphql-multipart-request-spec) for the operation.
 * @param {Record<string, unknown>} operation
 * @param {UploadShape} shape
 * @param {File[]} files
 */
export function multipartRequest(operation, shape, files) {
  const form = new FormData();
  form.set('operations', JSON.stringify(operation));
  form.set('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.${shape.arg}.${i}.${shape.fileField}`]]))));
  files.forEach((file, i) => form.set(String(i), file, file.name));
  return form;
}
