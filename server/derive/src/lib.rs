//! `#[derive(Shift)]`: moves every source range of a model value after an edit.
//!
//! The generated `crate::model::Shift::shift` calls `shift` on every field (every
//! field of every variant, for enums), so a range added to a model type later is
//! moved too: no list of fields to keep in sync by hand.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, parse_macro_input, parse_quote};

#[proc_macro_derive(Shift)]
pub fn derive_shift(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(parse_quote!(crate::model::Shift));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, calls) = destructure(&data.fields);
            quote! {
                let #name #pattern = self;
                #calls
            }
        }
        Data::Enum(data) => {
            let arms = data.variants.iter().map(|variant| {
                let variant_name = &variant.ident;
                let (pattern, calls) = destructure(&variant.fields);
                quote! { #name::#variant_name #pattern => { #calls } }
            });
            quote! {
                match self {
                    #(#arms)*
                }
            }
        }
        Data::Union(_) => {
            return syn::Error::new_spanned(name, "`Shift` cannot be derived for a union")
                .to_compile_error()
                .into();
        }
    };
    quote! {
        impl #impl_generics crate::model::Shift for #name #type_generics #where_clause {
            #[allow(unused_variables)]
            fn shift(&mut self, edit: &crate::model::TextEdit) {
                #body
            }
        }
    }
    .into()
}

/// A pattern that binds every field, and the calls that shift each binding.
fn destructure(fields: &Fields) -> (Tokens, Tokens) {
    match fields {
        Fields::Named(named) => {
            let names: Vec<_> = named.named.iter().filter_map(|f| f.ident.clone()).collect();
            (
                quote! { { #(#names),* } },
                quote! { #(crate::model::Shift::shift(#names, edit);)* },
            )
        }
        Fields::Unnamed(unnamed) => {
            let names: Vec<_> = (0..unnamed.unnamed.len())
                .map(|i| format_ident!("field_{i}"))
                .collect();
            (
                quote! { ( #(#names),* ) },
                quote! { #(crate::model::Shift::shift(#names, edit);)* },
            )
        }
        Fields::Unit => (Tokens::new(), Tokens::new()),
    }
}
