fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut p = tree_sitter::Parser::new();
    p.set_language(&ddia_yaml_grammar::LANGUAGE.into()).unwrap();
    let t = p.parse(&text, None).unwrap();
    let mut c = t.walk();
    let mut depth = 0;
    loop {
        let n = c.node();
        println!("{}{}{} {:?} [{}..{}] {:?}", "  ".repeat(depth), c.field_name().map(|f| format!("{f}: ")).unwrap_or_default(), if n.is_missing() {format!("MISSING {}", n.kind())} else {n.kind().to_string()}, n.is_named(), n.start_position(), n.end_position(), if n.child_count()==0 {&text[n.byte_range()]} else {""});
        if c.goto_first_child() { depth += 1; continue; }
        loop {
            if c.goto_next_sibling() { break; }
            if !c.goto_parent() { return; }
            depth -= 1;
        }
    }
}
