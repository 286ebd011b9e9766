// The document as one self-contained tree, as `redocly bundle` makes it: what a $ref brings
// in from another file is copied in, so that Swagger UI, ReDoc and client generators, which
// read /openapi.json alone, see every operation of a multi-file document.
//
// - A reference standing for an OpenAPI object or a whole map (a Path Item, an Operation, a
//   `parameters` list, a `responses` map...: spec::SourceFile::followed) is replaced by its
//   target, itself bundled.
// - A schema reference into another file becomes a schema of `components/schemas` (named
//   after the file or the last pointer token, made unique) and the reference
//   `#/components/schemas/NAME`; one target is brought in once.
// - References into the main file, by pointer, `$anchor` or `$id`, become `#/pointer`, and
//   `$id`s are dropped, since every reference is now local.
#pragma once

#include "spec/document.hpp"

namespace apiserver::ops {

spec::Json bundle_document(const spec::Document& document);

}  // namespace apiserver::ops
